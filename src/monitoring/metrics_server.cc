#include "monitoring/metrics_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/logging.h"

namespace ntscada {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = module_logger("monitoring");
  return instance;
}

// Scrapes are small and rare, so two threads serve them. Prometheus times
// out a scrape after 10 s by default, and slow clients are cut off sooner.
constexpr std::size_t kServerThreads = 2;
constexpr auto kSocketTimeout = std::chrono::seconds(5);
constexpr auto kStartTimeout = std::chrono::seconds(5);

}  // namespace

struct metrics_server::state {
  httplib::Server server;
  std::thread thread;
  endpoint_address address;
  const metric_registry* registry = nullptr;
  std::vector<readiness_check> checks;
  log_rate_limiter render_errors;
};

result<std::unique_ptr<metrics_server>, std::string> metrics_server::start(
    const endpoint_address& address, const metric_registry& registry,
    std::vector<readiness_check> checks) {
  auto s = std::make_unique<state>();
  s->registry = &registry;
  s->checks = std::move(checks);
  state& st = *s;
  st.server.new_task_queue = [] {
    return new httplib::ThreadPool(kServerThreads);
  };
  // cpp-httplib 0.11 sets SO_REUSEPORT by default, which lets a second
  // process bind the same port and receive half of the scrapes. Only
  // SO_REUSEADDR is set here, so binding a taken port fails.
  st.server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  st.server.set_read_timeout(kSocketTimeout);
  st.server.set_write_timeout(kSocketTimeout);

  st.server.Get("/metrics", [&st](const httplib::Request&,
                                  httplib::Response& response) {
    try {
      response.set_content(st.registry->render(),
                           std::string(kExpositionContentType).c_str());
    } catch (const std::exception& error) {
      // A collector broke the format rules: serving a partial text would
      // make Prometheus drop every series of the target, so the scrape
      // fails visibly instead.
      std::uint64_t suppressed = 0;
      if (st.render_errors.allow(suppressed)) {
        logger()->error("rendering /metrics failed: {} ({} similar suppressed)",
                        error.what(), suppressed);
      }
      response.status = 500;
      response.set_content(
          fmt::format("rendering metrics failed: {}\n", error.what()),
          "text/plain; charset=utf-8");
    }
  });
  st.server.Get("/healthz",
                [](const httplib::Request&, httplib::Response& response) {
                  response.set_content("ok\n", "text/plain; charset=utf-8");
                });
  st.server.Get("/readyz",
                [&st](const httplib::Request&, httplib::Response& response) {
                  readiness_report report = evaluate_readiness(st.checks);
                  response.status = report.ready ? 200 : 503;
                  response.set_content(report.json + "\n", "application/json");
                });

  st.address = address;
  if (address.port == 0) {
    int port = st.server.bind_to_any_port(address.host);
    if (port < 0) {
      return failure{fmt::format(
          "cannot listen on {} for metrics: binding any free port failed",
          format_endpoint_address(address))};
    }
    st.address.port = port;
  } else if (!st.server.bind_to_port(address.host, address.port)) {
    return failure{
        fmt::format("cannot listen on {} for metrics: the address is in use "
                    "or not local; choose another with --metrics-address",
                    format_endpoint_address(address))};
  }
  st.thread = std::thread([&st] { st.server.listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!st.server.is_running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      st.server.stop();
      st.thread.join();
      return failure{
          fmt::format("the metrics listener on {} did not start within 5 s",
                      format_endpoint_address(st.address))};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  logger()->info("serving /metrics, /healthz and /readyz on http://{}",
                 format_endpoint_address(st.address));
  return std::unique_ptr<metrics_server>(new metrics_server(std::move(s)));
}

metrics_server::metrics_server(std::unique_ptr<state> s)
    : state_(std::move(s)) {}

metrics_server::~metrics_server() {
  state_->server.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

const endpoint_address& metrics_server::address() const {
  return state_->address;
}

}  // namespace ntscada
