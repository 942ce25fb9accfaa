#include "cli/metrics_endpoint.h"

#include "common/logging.h"

namespace ntscada {

void add_metrics_address_option(CLI::App& command, std::string& address) {
  command.add_option(
      "--metrics-address", address,
      "HOST:PORT on which to serve /metrics, /healthz and /readyz over HTTP; "
      "port 0 picks a free port (logged at start), an empty value turns the "
      "endpoints off");
}

result<std::unique_ptr<metrics_server>, std::string> serve_metrics(
    const std::string& address, const metric_registry& registry,
    std::vector<readiness_check> checks) {
  if (address.empty()) {
    module_logger("monitoring")
        ->info("metrics endpoints are off: --metrics-address is empty");
    return std::unique_ptr<metrics_server>();
  }
  auto parsed = parse_endpoint_address(address);
  if (!parsed) return failure{"--metrics-address " + parsed.error()};
  return metrics_server::start(parsed.value(), registry, std::move(checks));
}

}  // namespace ntscada
