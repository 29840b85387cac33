#pragma once
// Child processes for tests that drive real servers (redis-server, atomkv-proxy): spawn with the
// output sent to a log file, stop with SIGTERM then SIGKILL after a deadline. A child dies with
// the test process (PR_SET_PDEATHSIG), so a crashed or killed test leaves no server behind.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atomkv::testing {

class child_process {
 public:
  child_process() = default;
  ~child_process();
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // Starts argv[0] (a path, or a name looked up in PATH) with stdout and stderr appended to
  // log_path (or /dev/null when empty). False, with error() set, when it cannot start.
  bool start(const std::vector<std::string>& argv, const std::string& log_path = {});

  pid_t pid() const { return pid_; }
  const std::string& error() const { return error_; }
  // Whether the child is still alive (reaps it when it has exited).
  bool running();
  // The wait status once the child has been reaped.
  std::optional<int> wait_status() const { return status_; }

  // SIGTERM (or `sig`), then SIGKILL once `grace` has passed; reaps the child.
  // Returns the wait status, or nullopt when there was no child.
  std::optional<int> stop(std::chrono::milliseconds grace = std::chrono::seconds(5),
                          int sig = 15 /* SIGTERM */);
  // Waits up to `timeout` for the child to exit by itself.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string error_;
};

// Runs argv to completion (killed after `timeout`) with stdin from `input`; returns stdout.
// exit_status receives the wait status (or -1 when it could not start or timed out).
std::string run_capture(const std::vector<std::string>& argv, const std::string& input,
                        std::chrono::milliseconds timeout, int* exit_status = nullptr);

// A process's resident memory (VmRSS in /proc/PID/status), in bytes; nullopt when unknown.
std::optional<std::size_t> resident_bytes(pid_t pid);

// Whether the resident memory of a program built as these tests are says what it keeps. Not
// under AddressSanitizer: its allocator quarantines freed memory (256 MB by default) and never
// hands it back, so a bound on RSS would measure the quarantine instead of the program.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kResidentMemoryFollowsFrees = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kResidentMemoryFollowsFrees = false;
#else
inline constexpr bool kResidentMemoryFollowsFrees = true;
#endif
#else
inline constexpr bool kResidentMemoryFollowsFrees = true;
#endif

// Whether these tests run under AddressSanitizer, whose checks make bulk loads several times
// slower: a test may then use a smaller load that still exercises the same paths.
inline constexpr bool kUnderAddressSanitizer = !kResidentMemoryFollowsFrees;

// A loopback TCP port that was free a moment ago (bound to port 0, then released).
std::uint16_t free_loopback_port();

// A fresh directory under $TMPDIR (or /tmp) named prefix-XXXXXX; removed by remove_tree.
std::string make_temp_dir(const std::string& prefix);
void remove_tree(const std::string& path);

// Polls 127.0.0.1:port with PING (after AUTH when a password is given) until it answers +PONG
// (or NOAUTH: a password set in a config file the caller did not pass),
// the process dies, or the deadline passes.
bool wait_until_ping(std::uint16_t port, child_process& process, std::chrono::milliseconds deadline,
                     const std::optional<std::string>& password = std::nullopt);

}  // namespace atomkv::testing
