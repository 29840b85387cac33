#include "atomkv/bit_edits.hpp"

#include <algorithm>
#include <limits>

#include "atomkv/counter.hpp"
#include "atomkv/string_edits.hpp"

namespace atomkv::bit_edits {
namespace {

// Redis compares option names with strcasecmp: as C strings, so up to a NUL byte.
bool names(std::string_view given, std::string_view wanted) {
  given = given.substr(0, given.find('\0'));
  if (given.size() != wanted.size()) {
    return false;
  }
  for (std::size_t i = 0; i < given.size(); ++i) {
    char c = given[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != wanted[i]) {
      return false;
    }
  }
  return true;
}

std::uint64_t read_bits(std::string_view value, std::uint64_t offset, unsigned bits) {
  std::uint64_t out = 0;
  for (unsigned i = 0; i < bits; ++i, ++offset) {
    const std::uint64_t byte = offset >> 3;
    unsigned bit = 0;
    if (byte < value.size()) {
      bit = (static_cast<unsigned char>(value[byte]) >> (7 - (offset & 7))) & 1U;
    }
    out = (out << 1) | bit;
  }
  return out;
}

// `value` already holds every bit written.
void write_bits(std::string& value, std::uint64_t offset, unsigned bits, std::uint64_t field) {
  for (unsigned i = 0; i < bits; ++i, ++offset) {
    const bool on = (field >> (bits - 1 - i)) & 1U;
    auto& byte = reinterpret_cast<unsigned char&>(value[offset >> 3]);
    const auto mask = static_cast<unsigned char>(1U << (7 - (offset & 7)));
    byte = on ? (byte | mask) : (byte & ~mask);
  }
}

std::int64_t sign_extend(std::uint64_t field, unsigned bits) {
  if (bits < 64 && (field >> (bits - 1)) & 1U) {
    field |= ~std::uint64_t{0} << bits;
  }
  return static_cast<std::int64_t>(field);
}

// Overflow of value + increment in a field: 0 none, 1 above, -1 below; `limit` is what WRAP or
// SAT stores then. The comparisons are Redis's own (checkSignedBitfieldOverflow), including how a
// SET value far outside the field's range counts (compared through unsigned differences).
int signed_overflow(std::int64_t value, std::int64_t increment, unsigned bits,
                    bitfield_step::overflow how, std::int64_t& limit) {
  const std::int64_t max =
      bits == 64 ? std::numeric_limits<std::int64_t>::max() : (std::int64_t{1} << (bits - 1)) - 1;
  const std::int64_t min = -max - 1;
  const auto max_increment = static_cast<std::int64_t>(static_cast<std::uint64_t>(max) -
                                                       static_cast<std::uint64_t>(value));
  const auto min_increment = static_cast<std::int64_t>(static_cast<std::uint64_t>(min) -
                                                       static_cast<std::uint64_t>(value));
  int direction = 0;
  if (value > max || (bits != 64 && increment > max_increment) ||
      (value >= 0 && increment > 0 && increment > max_increment)) {
    direction = 1;
  } else if (value < min || (bits != 64 && increment < min_increment) ||
             (value < 0 && increment < 0 && increment < min_increment)) {
    direction = -1;
  } else {
    return 0;
  }
  if (how == bitfield_step::overflow::saturate) {
    limit = direction > 0 ? max : min;
  } else if (how == bitfield_step::overflow::wrap) {
    std::uint64_t sum = static_cast<std::uint64_t>(value) + static_cast<std::uint64_t>(increment);
    limit = sign_extend(bits < 64 ? sum & ~(~std::uint64_t{0} << bits) : sum, bits);
  }
  return direction;
}

int unsigned_overflow(std::uint64_t value, std::int64_t increment, unsigned bits,
                      bitfield_step::overflow how, std::uint64_t& limit) {
  const std::uint64_t max = (std::uint64_t{1} << bits) - 1;  // bits <= 63
  const auto max_increment = static_cast<std::int64_t>(max - value);
  const auto min_increment = static_cast<std::int64_t>(std::uint64_t{0} - value);
  int direction = 0;
  if (value > max || (increment > 0 && increment > max_increment)) {
    direction = 1;
  } else if (increment < 0 && increment < min_increment) {
    direction = -1;
  } else {
    return 0;
  }
  if (how == bitfield_step::overflow::saturate) {
    limit = direction > 0 ? max : 0;
  } else if (how == bitfield_step::overflow::wrap) {
    limit = (value + static_cast<std::uint64_t>(increment)) & max;
  }
  return direction;
}

// A BITCOUNT or BITPOS range, in bits, inclusive; empty when first > last.
struct bit_span {
  std::int64_t first = 0;
  std::int64_t last = -1;
};

// Resolves start/end in bytes or bits against a value of `length` bytes, as Redis does.
bit_span resolve(std::int64_t start, std::int64_t end, bool in_bits, std::int64_t length) {
  const std::int64_t total = in_bits ? length * 8 : length;
  if (start < 0) {
    start += total;
  }
  if (end < 0) {
    end += total;
  }
  start = start < 0 ? 0 : start;
  end = end < 0 ? 0 : end;
  if (end >= total) {
    end = total - 1;
  }
  if (start > end) {
    return {};
  }
  return in_bits ? bit_span{start, end} : bit_span{start * 8, end * 8 + 7};
}

}  // namespace

parsed<std::int64_t> parse_offset(std::string_view text, int bits) {
  const bool times_bits = bits > 0 && !text.empty() && text[0] == '#';
  auto number = counter::parse(times_bits ? text.substr(1) : text);
  if (!number) {
    return {.error = bad_offset};
  }
  std::int64_t offset = *number;
  if (times_bits) {
    // Wraps as Redis's multiplication does on its platforms; a wrapped result fails below.
    offset = static_cast<std::int64_t>(static_cast<std::uint64_t>(offset) *
                                       static_cast<std::uint64_t>(bits));
  }
  if (offset < 0 || (offset >> 3) >= string_edits::max_length) {
    return {.error = bad_offset};
  }
  return {.value = offset};
}

parsed<int> parse_bit(std::string_view text) {
  auto number = counter::parse(text);
  if (!number || (*number & ~std::int64_t{1}) != 0) {
    return {.error = bad_bit};
  }
  return {.value = static_cast<int>(*number)};
}

parsed<int> parse_position_bit(std::string_view text) {
  auto number = counter::parse(text);
  if (!number) {
    return {.error = not_an_integer};
  }
  if (*number != 0 && *number != 1) {
    return {.error = bad_position_bit};
  }
  return {.value = static_cast<int>(*number)};
}

parsed<field_type> parse_type(std::string_view text) {
  if (text.empty() || (text[0] != 'i' && text[0] != 'u')) {
    return {.error = bad_type};
  }
  const bool is_signed = text[0] == 'i';
  std::string_view digits = text.substr(1);
  auto bits = counter::parse(digits.substr(0, digits.find('\0')));  // read as a C string
  if (!bits || *bits < 1 || *bits > (is_signed ? 64 : 63)) {
    return {.error = bad_type};
  }
  return {.value = {is_signed, static_cast<std::uint8_t>(*bits)}};
}

parsed<std::vector<bitfield_step>> parse_bitfield(std::span<const std::string_view> arguments,
                                                  bool read_only) {
  parsed<std::vector<bitfield_step>> out;
  auto overflow = bitfield_step::overflow::wrap;
  bool writes = false;
  for (std::size_t j = 0; j < arguments.size(); ++j) {
    const std::size_t left = arguments.size() - j - 1;
    const std::string_view name = arguments[j];
    bitfield_step step;
    if (names(name, "get") && left >= 2) {
      step.what = bitfield_step::kind::get;
    } else if (names(name, "set") && left >= 3) {
      step.what = bitfield_step::kind::set;
    } else if (names(name, "incrby") && left >= 3) {
      step.what = bitfield_step::kind::increment;
    } else if (names(name, "overflow") && left >= 1) {
      const std::string_view how = arguments[++j];
      if (names(how, "wrap")) {
        overflow = bitfield_step::overflow::wrap;
      } else if (names(how, "sat")) {
        overflow = bitfield_step::overflow::saturate;
      } else if (names(how, "fail")) {
        overflow = bitfield_step::overflow::fail;
      } else {
        return {.error = bad_overflow};
      }
      continue;
    } else {
      return {.error = syntax_error};
    }
    auto type = parse_type(arguments[j + 1]);
    if (!type.ok()) {
      return {.error = type.error};
    }
    auto offset = parse_offset(arguments[j + 2], type.value.bits);
    if (!offset.ok()) {
      return {.error = offset.error};
    }
    if (step.what != bitfield_step::kind::get) {
      writes = true;
      auto number = counter::parse(arguments[j + 3]);
      if (!number) {
        return {.error = not_an_integer};
      }
      step.value = *number;
    }
    step.on_overflow = overflow;
    step.is_signed = type.value.is_signed;
    step.bits = type.value.bits;
    step.offset = static_cast<std::uint64_t>(offset.value);
    out.value.push_back(step);
    j += step.what == bitfield_step::kind::get ? 2 : 3;
  }
  if (writes && read_only) {
    return {.error = read_only_get};
  }
  return out;
}

parsed<bitop> parse_bitop(std::string_view name, std::size_t sources) {
  bitop how = bitop::and_;
  if (names(name, "and")) {
    how = bitop::and_;
  } else if (names(name, "or")) {
    how = bitop::or_;
  } else if (names(name, "xor")) {
    how = bitop::xor_;
  } else if (names(name, "not")) {
    how = bitop::not_;
  } else {
    return {.error = syntax_error};
  }
  if (how == bitop::not_ && sources != 1) {
    return {.error = not_single_source};
  }
  return {.value = how};
}

std::string combine(bitop how, std::span<const std::optional<std::string>> sources) {
  std::size_t longest = 0;
  for (const auto& source : sources) {
    longest = std::max(longest, source ? source->size() : 0);
  }
  std::string out(longest, '\0');
  for (std::size_t i = 0; i < longest; ++i) {
    auto byte_of = [i](const std::optional<std::string>& source) -> unsigned char {
      return source && i < source->size() ? static_cast<unsigned char>((*source)[i]) : 0;
    };
    unsigned char result = byte_of(sources[0]);
    if (how == bitop::not_) {
      result = static_cast<unsigned char>(~result);
    }
    for (std::size_t j = 1; j < sources.size(); ++j) {
      const unsigned char next = byte_of(sources[j]);
      result = how == bitop::and_  ? (result & next)
               : how == bitop::or_ ? (result | next)
                                   : (result ^ next);
    }
    out[i] = static_cast<char>(result);
  }
  return out;
}

int get_bit(std::string_view value, std::uint64_t offset) {
  return static_cast<int>(read_bits(value, offset, 1));
}

int set_bit(std::string& value, std::uint64_t offset, int bit, bool created, bool& modified) {
  const std::size_t bytes = static_cast<std::size_t>(offset >> 3) + 1;
  bool grown = created;
  if (value.size() < bytes) {
    value.resize(bytes, '\0');
    grown = true;
  }
  const int before = get_bit(value, offset);
  modified = grown || before != bit;
  if (modified) {
    write_bits(value, offset, 1, static_cast<std::uint64_t>(bit));
  }
  return before;
}

op_result bit_count(std::string_view value, std::span<const std::string_view> range) {
  const auto length = static_cast<std::int64_t>(value.size());
  bit_span span{0, length * 8 - 1};
  if (range.size() == 2 || range.size() == 3) {
    auto start = counter::parse(range[0]);
    if (!start) {
      return op_result::failed(std::string(not_an_integer));
    }
    auto end = counter::parse(range[1]);
    if (!end) {
      return op_result::failed(std::string(not_an_integer));
    }
    if (*start < 0 && *end < 0 && *start > *end) {
      return op_result::of_integer(0);  // before the unit is read, as Redis does
    }
    bool in_bits = false;
    if (range.size() == 3) {
      if (names(range[2], "bit")) {
        in_bits = true;
      } else if (!names(range[2], "byte")) {
        return op_result::failed(std::string(syntax_error));
      }
    }
    span = resolve(*start, *end, in_bits, length);
  } else if (!range.empty()) {
    return op_result::failed(std::string(syntax_error));
  }
  std::int64_t count = 0;
  std::int64_t bit = span.first;
  for (; bit <= span.last && (bit & 7) != 0; ++bit) {
    count += get_bit(value, static_cast<std::uint64_t>(bit));
  }
  for (; bit + 7 <= span.last; bit += 8) {
    count += __builtin_popcount(static_cast<unsigned char>(value[bit >> 3]));
  }
  for (; bit <= span.last; ++bit) {
    count += get_bit(value, static_cast<std::uint64_t>(bit));
  }
  return op_result::of_integer(count);
}

op_result bit_position(std::string_view value, int bit, std::span<const std::string_view> range) {
  const auto length = static_cast<std::int64_t>(value.size());
  bit_span span{0, length * 8 - 1};
  bool end_given = false;
  if (range.size() >= 1 && range.size() <= 3) {
    auto start = counter::parse(range[0]);
    if (!start) {
      return op_result::failed(std::string(not_an_integer));
    }
    bool in_bits = false;
    if (range.size() == 3) {  // the unit is read before the end
      if (names(range[2], "bit")) {
        in_bits = true;
      } else if (!names(range[2], "byte")) {
        return op_result::failed(std::string(syntax_error));
      }
    }
    std::int64_t end = length - 1;  // to the end of the value (bits: its last bit)
    if (range.size() >= 2) {
      auto given = counter::parse(range[1]);
      if (!given) {
        return op_result::failed(std::string(not_an_integer));
      }
      end = *given;
      end_given = true;
    }
    span = resolve(*start, end, in_bits, length);
  } else if (!range.empty()) {
    return op_result::failed(std::string(syntax_error));
  }
  if (span.first > span.last) {
    return op_result::of_integer(-1);  // an empty range holds neither a 0 nor a 1
  }
  std::int64_t at = span.first;
  const char skip = bit ? '\0' : '\xff';
  for (; at <= span.last; ++at) {
    if ((at & 7) == 0 && at + 7 <= span.last && value[at >> 3] == skip) {
      at += 7;  // a whole byte without the bit
      continue;
    }
    if (get_bit(value, static_cast<std::uint64_t>(at)) == bit) {
      return op_result::of_integer(at);
    }
  }
  // Not found. Looking for a 0 without an explicit end, the value counts as padded with zeros.
  return op_result::of_integer(bit == 0 && !end_given ? span.last + 1 : -1);
}

op_result bitfield(std::string& value, bool& exists, std::span<const bitfield_step> steps,
                   bool& modified) {
  modified = false;
  bool grown = false;
  std::uint64_t farthest = 0;
  bool writes = false;
  for (const auto& step : steps) {
    if (step.what != bitfield_step::kind::get) {
      writes = true;
      farthest = std::max<std::uint64_t>(farthest, step.offset + step.bits - 1);
    }
  }
  if (writes) {
    const std::size_t bytes = static_cast<std::size_t>(farthest >> 3) + 1;
    grown = !exists || value.size() < bytes;
    if (value.size() < bytes) {
      value.resize(bytes, '\0');
    }
    exists = true;
  }
  std::vector<std::optional<std::int64_t>> answers;
  answers.reserve(steps.size());
  for (const auto& step : steps) {
    const std::uint64_t old_bits = read_bits(value, step.offset, step.bits);
    if (step.what == bitfield_step::kind::get) {
      answers.emplace_back(step.is_signed ? sign_extend(old_bits, step.bits)
                                          : static_cast<std::int64_t>(old_bits));
      continue;
    }
    const bool increment = step.what == bitfield_step::kind::increment;
    bool failed = false;
    std::uint64_t stored = 0;
    std::int64_t answer = 0;
    bool changed = false;
    if (step.is_signed) {
      const std::int64_t old = sign_extend(old_bits, step.bits);
      std::int64_t wrapped = 0;
      std::int64_t next = 0;
      if (increment) {
        int over = signed_overflow(old, step.value, step.bits, step.on_overflow, wrapped);
        failed = over != 0 && step.on_overflow == bitfield_step::overflow::fail;
        next = over != 0 ? wrapped
                         : static_cast<std::int64_t>(static_cast<std::uint64_t>(old) +
                                                     static_cast<std::uint64_t>(step.value));
        answer = next;
      } else {
        int over = signed_overflow(step.value, 0, step.bits, step.on_overflow, wrapped);
        failed = over != 0 && step.on_overflow == bitfield_step::overflow::fail;
        next = over != 0 ? wrapped : step.value;
        answer = old;
      }
      stored = static_cast<std::uint64_t>(next);
      changed = old != next;
    } else {
      std::uint64_t wrapped = 0;
      std::uint64_t next = 0;
      if (increment) {
        int over = unsigned_overflow(old_bits, step.value, step.bits, step.on_overflow, wrapped);
        failed = over != 0 && step.on_overflow == bitfield_step::overflow::fail;
        next = over != 0 ? wrapped : old_bits + static_cast<std::uint64_t>(step.value);
        answer = static_cast<std::int64_t>(next);
      } else {
        next = static_cast<std::uint64_t>(step.value);
        int over = unsigned_overflow(next, 0, step.bits, step.on_overflow, wrapped);
        failed = over != 0 && step.on_overflow == bitfield_step::overflow::fail;
        next = over != 0 ? wrapped : next;
        answer = static_cast<std::int64_t>(old_bits);
      }
      stored = next;
      changed = old_bits != next;
    }
    if (failed) {
      answers.emplace_back(std::nullopt);
      continue;
    }
    answers.emplace_back(answer);
    write_bits(value, step.offset, step.bits, stored);
    modified = modified || grown || changed;
  }
  return op_result::of_integers(std::move(answers));
}

}  // namespace atomkv::bit_edits
