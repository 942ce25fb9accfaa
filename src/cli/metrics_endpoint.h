#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "monitoring/metric_registry.h"
#include "monitoring/metrics_server.h"
#include "monitoring/readiness.h"

namespace ntscada {

// Default metrics addresses of the long-running commands: loopback only,
// one port per command so that both can run on one host.
inline constexpr const char* kStreamMetricsAddress = "127.0.0.1:9761";
inline constexpr const char* kIngestMetricsAddress = "127.0.0.1:9762";

// Adds --metrics-address, stored in `address`, whose default the caller
// sets beforehand.
void add_metrics_address_option(CLI::App& command, std::string& address);

// Starts the metrics server on `address`. An empty address turns the
// endpoints off and returns nullptr. The error names the address.
result<std::unique_ptr<metrics_server>, std::string> serve_metrics(
    const std::string& address, const metric_registry& registry,
    std::vector<readiness_check> checks);

}  // namespace ntscada
