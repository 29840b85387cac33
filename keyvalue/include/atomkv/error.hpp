#pragma once
// The error of wasi:keyvalue/store, as a value.

#include <string>
#include <string_view>

namespace atomkv {

struct error {
  enum class kind {
    no_such_store,  // the store or bucket identifier is not recognised
    access_denied,  // the caller may not use this store (bad or missing credentials)
    other,          // anything else: I/O, a value that is not an integer, overflow, ...
  };

  kind code = kind::other;
  std::string message;  // why; set for every kind, the only payload of `other`

  static error no_such_store(std::string why = "no such store") {
    return {kind::no_such_store, std::move(why)};
  }
  static error access_denied(std::string why = "access denied") {
    return {kind::access_denied, std::move(why)};
  }
  static error other(std::string why) { return {kind::other, std::move(why)}; }

  bool operator==(const error&) const = default;
};

// The messages of the semantic contract (DESIGN.md), shared by every backend so that callers
// and the proxy can recognise them.
namespace messages {
inline constexpr std::string_view not_an_integer = "value is not an integer or out of range";
inline constexpr std::string_view overflow = "increment or decrement would overflow";
// Ends the message of a call given up after it may have been applied (the connection broke
// after it was sent, no commit within the wait): the caller cannot know whether it took effect.
inline constexpr std::string_view outcome_unknown = "; the outcome is unknown";
}  // namespace messages

// Whether `e` says the call may have been applied.
inline bool outcome_unknown(const error& e) {
  return e.message.find(messages::outcome_unknown) != std::string::npos;
}

}  // namespace atomkv
