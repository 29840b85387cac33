#include "client_info.hpp"

#include <chrono>

#include "../client.hpp"

namespace atomkv::proxy {

std::string describe_client(const client& c) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  auto now = std::chrono::steady_clock::now();
  auto& state = const_cast<client&>(c).state();
  std::string line;
  line += "id=" + std::to_string(c.id());
  line += " addr=" + c.peer_address();
  line += " laddr=" + c.local_address();
  line += " fd=-1 name=" + state.name;
  line += " age=" + std::to_string(duration_cast<seconds>(now - c.created()).count());
  line += " idle=" + std::to_string(duration_cast<seconds>(now - c.last_active()).count());
  line += std::string(" flags=") + (state.in_multi ? "x" : state.blocked ? "b" : "N");
  line += " db=" + std::to_string(state.db);
  line += " sub=0 psub=0 ssub=0";
  line += " multi=" + (state.in_multi ? std::to_string(state.queued.size()) : std::string("-1"));
  const std::size_t qbuf = c.held_input() - state.queued_bytes;
  line += " qbuf=" + std::to_string(qbuf);
  line += " qbuf-free=" + std::to_string(c.input_capacity() - qbuf);
  line += " argv-mem=0 multi-mem=" + std::to_string(state.queued_bytes);
  line += " rbs=0 rbp=0 obl=0 oll=0 omem=" + std::to_string(c.held_output());
  line += " tot-mem=" + std::to_string(sizeof(client) + c.input_capacity() + state.queued_bytes +
                                       c.held_output());
  line += " events=r cmd=" + c.last_command();
  line += " user=default redir=-1 resp=" + std::to_string(static_cast<int>(state.proto));
  line += "\n";
  return line;
}

}  // namespace atomkv::proxy
