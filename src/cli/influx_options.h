#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "influx/influx_history_store.h"

namespace ntscada {

// The InfluxDB connection options that `ingest` and `train` share.
struct influx_cli_options {
  influx_config config;
  std::string api = "v1";
  std::string compression = "auto";
  influx_store_options store;
};

// Adds --influx-url, --influx-api, --influx-database,
// --influx-retention-policy, --influx-username, --influx-password,
// --influx-org, --influx-bucket, --influx-token, --influx-measurement,
// --influx-results-measurement, --influx-compression and
// --influx-chunk-size.
void add_influx_options(CLI::App& command, influx_cli_options& options);

// The flags of add_influx_options with their configuration keys, and the
// secret keys among them.
std::vector<std::pair<std::string, std::string>> influx_setting_keys();
std::vector<std::string> influx_secret_keys();

// Opens the store described by the options. Fails with a message that
// names the option to fix.
result<std::unique_ptr<influx_history_store>, std::string> open_influx_store(
    influx_cli_options& options);

}  // namespace ntscada
