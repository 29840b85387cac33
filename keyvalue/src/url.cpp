#include "atomkv/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace atomkv {
namespace {

result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) {
      return failure(error::no_such_store("malformed %-escape in store URL"));
    }
    auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) {
      return failure(error::no_such_store("malformed %-escape in store URL"));
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

result<void> parse_query(std::string_view query, store_url& url) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    auto eq = pair.find('=');
    BOOST_OUTCOME_TRY(name, percent_decode(pair.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      BOOST_OUTCOME_TRY(decoded, percent_decode(pair.substr(eq + 1)));
      value = std::move(decoded);
    }
    url.query[std::move(name)] = std::move(value);
  }
  return outcome::success();
}

bool names_a_secret(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"pass", "secret", "token"}) {
    if (lower.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string redact_store_url(std::string_view url) {
  constexpr std::string_view kHidden = "***";
  std::string out;
  out.reserve(url.size());
  auto separator = url.find("://");
  std::size_t start = separator == std::string_view::npos ? 0 : separator + 3;
  auto question = url.find('?', start);
  auto before_query = url.substr(0, question);
  // The last '@' before the query ends the user information, as parse_store_url reads it; a
  // '/' in an unencoded password must not let the password through, so no '/' is looked for.
  auto at = before_query.rfind('@');
  auto colon = at == std::string_view::npos ? std::string_view::npos : url.find(':', start);
  if (colon != std::string_view::npos && colon < at) {
    out.append(url.substr(0, colon + 1));
    out.append(kHidden);
    out.append(before_query.substr(at));
  } else {
    out.append(before_query);
  }
  if (question == std::string_view::npos) {
    return out;
  }
  out.push_back('?');
  auto query = url.substr(question + 1);
  bool first = true;
  while (true) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    if (!first) {
      out.push_back('&');
    }
    first = false;
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && names_a_secret(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1));
      out.append(kHidden);
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) {
      break;
    }
    query = query.substr(amp + 1);
  }
  return out;
}

namespace {

// [v6]:port, host:port, or host alone.
result<store_url::host_port> parse_host_port(std::string_view authority) {
  store_url::host_port out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return failure(error::no_such_store("unterminated [ in store URL host"));
    }
    out.host.assign(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return failure(error::no_such_store("unexpected text after ] in store URL"));
      }
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    out.host.assign(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return failure(error::no_such_store("bad port in store URL: " + std::string(port_text)));
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

}  // namespace

result<store_url> parse_store_url(std::string_view text) {
  store_url url;
  auto separator = text.find("://");
  if (separator == std::string_view::npos || separator == 0) {
    return failure(error::no_such_store("store URL needs a scheme, as in memory:// or redis://"));
  }
  url.scheme.assign(text.substr(0, separator));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto rest = text.substr(separator + 3);

  auto question = rest.find('?');
  if (question != std::string_view::npos) {
    BOOST_OUTCOME_TRY(parse_query(rest.substr(question + 1), url));
    rest = rest.substr(0, question);
  }
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    url.path.assign(rest.substr(slash));
  }

  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    BOOST_OUTCOME_TRY(user, percent_decode(userinfo.substr(0, colon)));
    if (!user.empty()) {
      url.user = std::move(user);
    }
    if (colon != std::string_view::npos) {
      BOOST_OUTCOME_TRY(password, percent_decode(userinfo.substr(colon + 1)));
      url.password = std::move(password);
    }
  }

  // host[:port] or a comma-separated list of them (the seed nodes of redis+cluster://).
  while (true) {
    auto comma = authority.find(',');
    BOOST_OUTCOME_TRY(one, parse_host_port(authority.substr(0, comma)));
    if (url.hosts.empty()) {
      url.host = one.host;
      url.port = one.port;
    }
    if (one.host.empty() && (comma != std::string_view::npos || !url.hosts.empty())) {
      return failure(error::no_such_store("empty host in the store URL's host list"));
    }
    url.hosts.push_back(std::move(one));
    if (comma == std::string_view::npos) {
      break;
    }
    authority = authority.substr(comma + 1);
  }
  return url;
}

}  // namespace atomkv
