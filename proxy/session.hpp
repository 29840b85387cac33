#pragma once
// What a connection remembers between commands: protocol, database, authentication, name, and
// its transaction (queued commands of MULTI, watched keys of WATCH).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/backend.hpp"
#include "atomkv/resp/protocol.hpp"

namespace atomkv::proxy {

struct command_spec;

struct queued_command {
  const command_spec* spec;
  std::vector<std::string> args;  // owned: the input buffer moves on before EXEC
};

struct session {
  session() = default;
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  ~session() { set_watching(false); }

  resp::protocol proto = resp::protocol::resp2;
  std::size_t db = 0;
  bool authenticated = true;
  std::string name;

  bool in_multi = false;
  bool multi_failed = false;  // a queue-time error: EXEC answers EXECABORT
  std::vector<queued_command> queued;
  // The memory of `queued`, counted against the query buffer limit as Redis counts its MULTI
  // queue (multiState.argv_len_sums): the arguments' bytes and their bookkeeping.
  std::size_t queued_bytes = 0;
  // The database the next queued command acts on (a queued SELECT changes it), and the one the
  // queued data commands act on, once there is one: EXEC applies them in one step on one bucket.
  std::size_t queued_db = 0;
  std::optional<std::size_t> multi_db;
  bool swapdb_queued = false;  // commands that act on a database may not follow it
  // An EXEC is with the backend whose queued commands change this connection's settings
  // (SELECT, HELLO, CLIENT SETNAME): they take effect only if it commits, so nothing that reads
  // them may run before its reply.
  bool settings_pending = false;
  // Blocked in WAIT: exempt from the idle timeout, as Redis's blocked clients are.
  bool blocked = false;

  // The optimistic transaction that holds this client's WATCHes; kept for reuse.
  std::unique_ptr<backend::transaction> watch;
  std::size_t watch_db = 0;
  bool watching = false;  // changed by set_watching only, which keeps the server's count
  std::size_t* watching_total = nullptr;  // the server's count of watching clients

  void set_watching(bool on) {
    if (on != watching && watching_total != nullptr) {
      on ? ++*watching_total : --*watching_total;
    }
    watching = on;
  }

  // UNWATCH, without waiting for the backend: the same transaction's next call comes after it.
  void release_watches() {
    if (watching && watch) {
      watch->unwatch_async([](result<void>) {});
    }
    set_watching(false);
  }

  void queue(const command_spec* spec, std::span<const std::string_view> args) {
    queued.push_back({spec, std::vector<std::string>(args.begin(), args.end())});
    queued_bytes += sizeof(queued_command) + args.size() * sizeof(std::string);
    for (std::string_view arg : args) {
      queued_bytes += arg.size();
    }
  }

  void clear_multi() {
    in_multi = false;
    multi_failed = false;
    std::vector<queued_command>().swap(queued);  // a long queue's memory goes with it
    queued_bytes = 0;
    queued_db = db;
    multi_db.reset();
    swapdb_queued = false;
  }
};

}  // namespace atomkv::proxy
