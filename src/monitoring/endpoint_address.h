#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ntscada {

// A listening address: an IPv4 address or host name, or an IPv6 address
// without brackets, and a TCP port where 0 means any free port.
struct endpoint_address {
  std::string host;
  int port = 0;
};

// Parses "HOST:PORT", or "[IPV6]:PORT" for an IPv6 address such as
// "[::1]:9761". The error names the text and the expected form.
result<endpoint_address, std::string> parse_endpoint_address(
    std::string_view text);

// Formats an address as "HOST:PORT", with brackets around an IPv6 host.
std::string format_endpoint_address(const endpoint_address& address);

}  // namespace ntscada
