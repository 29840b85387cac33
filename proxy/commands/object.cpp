// OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ key, and OBJECT HELP. Each subcommand is one read of
// its key: the backend answers (atomkv's own backends describe a value as Redis would describe it
// when SET, see atomkv/object_answer.hpp; Redis answers for itself), nil for a missing key.

#include "object.hpp"

#include "help_reply.hpp"

namespace atomkv::proxy::object_family {
namespace {

std::optional<std::string> plan_field(args_view a, plan_builder& p, object_field field) {
  p.add(operation::object(a[2], field));
  return {};
}

}  // namespace

std::optional<std::string> plan_object_encoding(args_view a, plan_builder& p) {
  return plan_field(a, p, object_field::encoding);
}

std::optional<std::string> plan_object_refcount(args_view a, plan_builder& p) {
  return plan_field(a, p, object_field::refcount);
}

std::optional<std::string> plan_object_idletime(args_view a, plan_builder& p) {
  return plan_field(a, p, object_field::idletime);
}

std::optional<std::string> plan_object_freq(args_view a, plan_builder& p) {
  return plan_field(a, p, object_field::freq);
}

// Redis's text (object.c and addReplyHelp in networking.c, 7.0.15).
void run_object_help(command_context&, args_view, resp::reply_writer& out) {
  write_help(
      {
          "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "ENCODING <key>",
          "    Return the kind of internal representation used in order to store the value",
          "    associated with a <key>.",
          "FREQ <key>",
          "    Return the access frequency index of the <key>. The returned integer is",
          "    proportional to the logarithm of the recent access frequency of the key.",
          "IDLETIME <key>",
          "    Return the idle time of the <key>, that is the approximated number of",
          "    seconds elapsed since the last access to the key.",
          "REFCOUNT <key>",
          "    Return the number of references of the value associated with the specified",
          "    <key>.",
          "HELP",
          "    Prints this help.",
      },
      out);
}

}  // namespace atomkv::proxy::object_family
