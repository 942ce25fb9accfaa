#include "monitoring/metrics_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <stdexcept>

namespace ntscada {
namespace {

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.add([this](exposition_writer& out) {
      if (fail_render_) throw std::logic_error("broken collector");
      out.family("t_requests_total", metric_type::counter, "Test.")
          .sample({}, std::uint64_t{7});
    });
  }

  std::unique_ptr<metrics_server> start(std::vector<readiness_check> checks) {
    auto server =
        metrics_server::start({"127.0.0.1", 0}, registry_, std::move(checks));
    if (!server) throw std::runtime_error(server.error());
    return std::move(server.value());
  }

  metric_registry registry_;
  std::atomic<bool> fail_render_{false};
};

TEST_F(MetricsServerTest, ServesMetricsInTextFormat) {
  auto server = start({});
  ASSERT_GT(server->address().port, 0);
  httplib::Client client("127.0.0.1", server->address().port);
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response->body,
            "# HELP t_requests_total Test.\n"
            "# TYPE t_requests_total counter\n"
            "t_requests_total 7\n");
}

TEST_F(MetricsServerTest, HealthzAnswersWhileRunning) {
  auto server = start({});
  httplib::Client client("127.0.0.1", server->address().port);
  auto response = client.Get("/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "ok\n");
}

TEST_F(MetricsServerTest, ReadyzFollowsChecks) {
  std::atomic<bool> connected{false};
  auto server = start({{"kafka",
                        [&connected]() -> std::optional<std::string> {
                          if (connected) return std::nullopt;
                          return "not connected: 0 of 1 known brokers are up";
                        }},
                       {"scorer", []() -> std::optional<std::string> {
                          return std::nullopt;
                        }}});
  httplib::Client client("127.0.0.1", server->address().port);

  auto not_ready = client.Get("/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  EXPECT_EQ(not_ready->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(not_ready->body,
            "{\"status\":\"not ready\",\"checks\":{\"kafka\":\"not "
            "connected: 0 of 1 known brokers are up\",\"scorer\":\"ok\"}}\n");

  connected = true;
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body,
            "{\"status\":\"ready\",\"checks\":{\"kafka\":\"ok\",\"scorer\":"
            "\"ok\"}}\n");
}

TEST_F(MetricsServerTest, UnknownPathIsNotFound) {
  auto server = start({});
  httplib::Client client("127.0.0.1", server->address().port);
  auto response = client.Get("/metrics/extra");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
}

TEST_F(MetricsServerTest, BrokenCollectorFailsScrapeWithStatus500) {
  auto server = start({});
  fail_render_ = true;
  httplib::Client client("127.0.0.1", server->address().port);
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_NE(response->body.find("broken collector"), std::string::npos);
}

TEST_F(MetricsServerTest, PortInUseFailsWithAddress) {
  auto first = start({});
  endpoint_address taken{"127.0.0.1", first->address().port};
  auto second = metrics_server::start(taken, registry_, {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find(format_endpoint_address(taken)),
            std::string::npos)
      << second.error();
}

TEST_F(MetricsServerTest, ServesOnIpv6Loopback) {
  auto server = metrics_server::start({"::1", 0}, registry_, {});
  if (!server) GTEST_SKIP() << "no IPv6 loopback here: " << server.error();
  httplib::Client client("::1", server.value()->address().port);
  auto response = client.Get("/healthz");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace ntscada
