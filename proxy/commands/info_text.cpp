#include "info_text.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "../client.hpp"
#include "../memory_gauge.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"

namespace atomkv::proxy {
namespace {

constexpr const char* kDefaultSections[] = {"server",     "clients",     "memory",  "persistence",
                                            "stats",      "replication", "cpu",     "module_list",
                                            "errorstats", "cluster",     "keyspace"};

// Redis's bytesToHuman: 1.50K, 2.00M, ...; bytes below 1024 as "123B".
std::string human_bytes(std::uint64_t bytes) {
  const char* units = "KMGTPE";
  if (bytes < 1024) {
    return std::to_string(bytes) + "B";
  }
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < 6) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%c", value, units[unit]);
  return text;
}

std::string seconds_of(const timeval& t) {
  char text[48];
  std::snprintf(text, sizeof text, "%ld.%06ld", static_cast<long>(t.tv_sec),
                static_cast<long>(t.tv_usec));
  return text;
}

class info_writer {
 public:
  void section(std::string_view title) {
    if (!text_.empty()) {
      text_ += "\r\n";
    }
    text_ += "# ";
    text_ += title;
    text_ += "\r\n";
  }
  void add(std::string_view name, std::string_view value) {
    text_ += name;
    text_ += ':';
    text_ += value;
    text_ += "\r\n";
  }
  void add(std::string_view name, std::uint64_t value) { add(name, std::to_string(value)); }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

void server_section(client& c, info_writer& out) {
  auto& srv = c.owner();
  const auto now = std::chrono::system_clock::now();
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - srv.started())
                          .count();
  utsname name{};
  uname(&name);
  out.section("Server");
  out.add("redis_version", errors::compatible_redis_version);
  out.add("redis_git_sha1", "00000000");
  out.add("redis_git_dirty", "0");
  out.add("redis_mode", "standalone");
  out.add("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  out.add("arch_bits", std::to_string(sizeof(void*) * 8));
  out.add("multiplexing_api", "libuv");
  out.add("atomkv_version", "0.1.0");
  out.add("atomkv_backend", redact_backend(srv.config().backend));
  out.add("process_id", static_cast<std::uint64_t>(getpid()));
  out.add("process_supervised", "no");
  out.add("run_id", srv.replication_id());
  out.add("tcp_port", srv.config().port);
  out.add(
      "server_time_usec",
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count()));
  out.add("uptime_in_seconds", static_cast<std::uint64_t>(uptime));
  out.add("uptime_in_days", static_cast<std::uint64_t>(uptime / 86400));
  out.add("hz", "10");
  out.add("configured_hz", "10");
  out.add("io_threads_active", "0");
}

void clients_section(client& c, info_writer& out) {
  auto& srv = c.owner();
  out.section("Clients");
  out.add("connected_clients", srv.clients().size());
  out.add("cluster_connections", "0");
  out.add("maxclients", srv.config().maxclients);
  const auto blocked =
      std::count_if(srv.clients().begin(), srv.clients().end(),
                    [](const auto& entry) { return entry.second->state().blocked; });
  out.add("blocked_clients", static_cast<std::uint64_t>(blocked));
  out.add("tracking_clients", "0");
  out.add("clients_in_timeout_table", srv.timed().size());
  out.add("atomkv_watching_clients", srv.watching_clients());
}

void memory_section(server& srv, info_writer& out) {
  const std::size_t maxmemory = srv.config().maxmemory;
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  const std::uint64_t rss = srv.resident_memory();
  const std::uint64_t peak = static_cast<std::uint64_t>(self.ru_maxrss) * 1024;
  const std::uint64_t system =
      static_cast<std::uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  out.section("Memory");
  // The proxy does not count its allocations: what it uses is what the system sees.
  out.add("used_memory", rss);
  out.add("used_memory_human", human_bytes(rss));
  out.add("used_memory_rss", rss);
  out.add("used_memory_rss_human", human_bytes(rss));
  out.add("used_memory_peak", std::max(peak, rss));
  out.add("used_memory_peak_human", human_bytes(std::max(peak, rss)));
  out.add("total_system_memory", system);
  out.add("total_system_memory_human", human_bytes(system));
  out.add("maxmemory", static_cast<std::uint64_t>(maxmemory));
  out.add("maxmemory_human", human_bytes(maxmemory));
  out.add("maxmemory_policy", "noeviction");
  out.add("mem_allocator", "libc");
}

void persistence_section(client& c, info_writer& out) {
  // The backend keeps the data (durably on sqlite:// and redis://): the proxy itself neither
  // loads nor saves, and says so with Redis's fields.
  const auto started =
      std::chrono::system_clock::now() - (std::chrono::steady_clock::now() - c.owner().started());
  out.section("Persistence");
  out.add("loading", "0");
  out.add("async_loading", "0");
  out.add("rdb_changes_since_last_save", "0");
  out.add("rdb_bgsave_in_progress", "0");
  out.add(
      "rdb_last_save_time",
      static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count()));
  out.add("rdb_last_bgsave_status", "ok");
  out.add("rdb_saves", "0");
  out.add("aof_enabled", "0");
  out.add("aof_rewrite_in_progress", "0");
  out.add("aof_rewrite_scheduled", "0");
  out.add("aof_last_write_status", "ok");
}

void stats_section(client& c, const info_figures& figures, info_writer& out) {
  auto& stats = c.owner().stats();
  out.section("Stats");
  out.add("total_connections_received", stats.connections_received);
  out.add("total_commands_processed", stats.commands_processed);
  out.add("rejected_connections", stats.rejected_connections);
  out.add("expired_keys", std::to_string(figures.expired_keys));
  out.add("evicted_keys", "0");
  out.add("evicted_clients", "0");
  out.add("pubsub_channels", "0");
  out.add("pubsub_patterns", "0");
  out.add("pubsubshard_channels", "0");
  out.add("total_error_replies", stats.total_error_replies);
}

void replication_section(client& c, info_writer& out) {
  // A master without replicas: what clients such as Valkey GLIDE look for when they connect.
  out.section("Replication");
  out.add("role", "master");
  out.add("connected_slaves", "0");
  out.add("master_failover_state", "no-failover");
  out.add("master_replid", c.owner().replication_id());
  out.add("master_replid2", std::string(40, '0'));
  out.add("master_repl_offset", "0");
  out.add("second_repl_offset", "-1");
  out.add("repl_backlog_active", "0");
  out.add("repl_backlog_size", "1048576");
  out.add("repl_backlog_first_byte_offset", "0");
  out.add("repl_backlog_histlen", "0");
}

void cpu_section(info_writer& out) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  out.section("CPU");
  out.add("used_cpu_sys", seconds_of(self.ru_stime));
  out.add("used_cpu_user", seconds_of(self.ru_utime));
  out.add("used_cpu_sys_children", seconds_of(children.ru_stime));
  out.add("used_cpu_user_children", seconds_of(children.ru_utime));
  out.add("used_cpu_sys_main_thread", seconds_of(thread.ru_stime));
  out.add("used_cpu_user_main_thread", seconds_of(thread.ru_utime));
}

void commandstats_section(client& c, info_writer& out) {
  const auto& counters = c.owner().stats().commands;
  const double per_usec = c.owner().stats().clock_rate.per_microsecond();
  auto commands = all_commands();
  out.section("Commandstats");
  for (std::size_t i = 0; i < commands.size() && i < counters.size(); ++i) {
    const command_counters& n = counters[i];
    if (n.calls == 0 && n.rejected_calls == 0 && n.failed_calls == 0) {
      continue;
    }
    const auto usec = static_cast<std::uint64_t>(static_cast<double>(n.cycles) / per_usec);
    char per_call[32];
    std::snprintf(
        per_call, sizeof per_call, "%.2f",
        n.calls == 0 ? 0.0
                     : static_cast<double>(static_cast<float>(usec) / static_cast<float>(n.calls)));
    out.add("cmdstat_" + std::string(commands[i].name),
            "calls=" + std::to_string(n.calls) + ",usec=" + std::to_string(usec) +
                ",usec_per_call=" + per_call +
                ",rejected_calls=" + std::to_string(n.rejected_calls) +
                ",failed_calls=" + std::to_string(n.failed_calls));
  }
}

void errorstats_section(client& c, info_writer& out) {
  out.section("Errorstats");
  for (const auto& [prefix, count] : c.owner().stats().errors) {
    out.add("errorstat_" + prefix, "count=" + std::to_string(count));
  }
}

}  // namespace

info_request info_request::of(args_view args) {
  info_request request;
  if (args.size() < 2) {
    request.names.insert(std::begin(kDefaultSections), std::end(kDefaultSections));
    return request;
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string name(args[i]);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (name == "default") {
      request.names.insert(std::begin(kDefaultSections), std::end(kDefaultSections));
    } else if (name == "all" || name == "everything") {
      request.all = true;
    } else {
      request.names.insert(std::move(name));
    }
  }
  return request;
}

bool info_request::wants(std::string_view section) const {
  return all || names.count(std::string(section)) > 0;
}

std::string info_text(client& c, const info_request& which, const info_figures& figures) {
  info_writer out;
  if (which.wants("server")) {
    server_section(c, out);
  }
  if (which.wants("clients")) {
    clients_section(c, out);
  }
  if (which.wants("memory")) {
    memory_section(c.owner(), out);
  }
  if (which.wants("persistence")) {
    persistence_section(c, out);
  }
  if (which.wants("stats")) {
    stats_section(c, figures, out);
  }
  if (which.wants("replication")) {
    replication_section(c, out);
  }
  if (which.wants("cpu")) {
    cpu_section(out);
  }
  if (which.wants("module_list") || which.wants("modules")) {
    out.section("Modules");  // none
  }
  if (which.wants("commandstats")) {
    commandstats_section(c, out);
  }
  if (which.wants("errorstats")) {
    errorstats_section(c, out);
  }
  if (which.wants("latencystats")) {
    out.section("Latencystats");  // not tracked, as Redis with latency-tracking off
  }
  if (which.wants("cluster")) {
    out.section("Cluster");
    out.add("cluster_enabled", "0");
  }
  if (which.wants("keyspace")) {
    out.section("Keyspace");
    for (const auto& line : figures.keyspace) {
      out.add("db" + std::to_string(line.db), "keys=" + std::to_string(line.keys) +
                                                  ",expires=" + std::to_string(line.expires) +
                                                  ",avg_ttl=" + std::to_string(line.avg_ttl));
    }
  }
  return out.take();
}

}  // namespace atomkv::proxy
