#include "monitoring/endpoint_address.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

TEST(EndpointAddressTest, ParsesHostAndPort) {
  auto parsed = parse_endpoint_address("127.0.0.1:9761");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->host, "127.0.0.1");
  EXPECT_EQ(parsed->port, 9761);
}

TEST(EndpointAddressTest, ParsesBracketedIpv6) {
  auto parsed = parse_endpoint_address("[::1]:0");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 0);
  EXPECT_EQ(format_endpoint_address(parsed.value()), "[::1]:0");
}

TEST(EndpointAddressTest, RejectsMalformedText) {
  for (const char* text :
       {"", "127.0.0.1", "127.0.0.1:", ":9761", "::1:9761", "[::1:9761", "[]:1",
        "host:65536", "host:-1", "host:12ab", "host: 80"}) {
    auto parsed = parse_endpoint_address(text);
    EXPECT_FALSE(parsed) << text;
    if (!parsed) {
      EXPECT_NE(parsed.error().find("expected HOST:PORT"), std::string::npos)
          << parsed.error();
    }
  }
}

}  // namespace
}  // namespace ntscada
