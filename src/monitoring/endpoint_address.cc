#include "monitoring/endpoint_address.h"

#include <fmt/format.h>

#include <charconv>

namespace ntscada {

result<endpoint_address, std::string> parse_endpoint_address(
    std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return failure{fmt::format(
        "address '{}' is invalid: {}; expected HOST:PORT such as "
        "127.0.0.1:9761 or [::1]:9761, with port 0 for any free port",
        text, why)};
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("the port is missing");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      return invalid("an IPv6 address must be closed with ']'");
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid("an IPv6 address must be written in brackets");
  }
  if (host.empty()) return invalid("the host is missing");
  int port = -1;
  auto [end, error] = std::from_chars(
      port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() ||
      end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return invalid("the port must be a number from 0 to 65535");
  }
  return endpoint_address{std::string(host), port};
}

std::string format_endpoint_address(const endpoint_address& address) {
  if (address.host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", address.host, address.port);
  }
  return fmt::format("{}:{}", address.host, address.port);
}

}  // namespace ntscada
