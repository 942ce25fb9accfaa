#include "cli/influx_options.h"

#include <fmt/format.h>

namespace ntscada {

void add_influx_options(CLI::App& command, influx_cli_options& options) {
  influx_config& config = options.config;
  command.add_option("--influx-url", config.url,
                     "InfluxDB base URL, http://host:port (default: "
                     "http://127.0.0.1:8086)");
  command
      .add_option("--influx-api", options.api,
                  "InfluxDB API: v1 (database, user, password) or v2 "
                  "(organisation, bucket, token)")
      ->check(CLI::IsMember({"v1", "v2", "1", "2"}));
  command.add_option("--influx-database", config.database,
                     "InfluxDB 1.x database; with v2, the database name "
                     "mapped to the bucket for queries (default: the "
                     "bucket name)");
  command.add_option("--influx-retention-policy", config.retention_policy,
                     "InfluxDB 1.x retention policy (default: the "
                     "database's default)");
  command.add_option("--influx-username", config.username,
                     "InfluxDB 1.x user name");
  command.add_option("--influx-password", config.password,
                     "InfluxDB 1.x password; better set through "
                     "NTSCADA_INFLUX_PASSWORD or the configuration file");
  command.add_option("--influx-org", config.org,
                     "InfluxDB 2.x organisation name or id");
  command.add_option("--influx-bucket", config.bucket, "InfluxDB 2.x bucket");
  command.add_option("--influx-token", config.token,
                     "InfluxDB 2.x API token; better set through "
                     "NTSCADA_INFLUX_TOKEN or the configuration file");
  command.add_option("--influx-measurement", options.store.schema.readings,
                     "Measurement of readings (default: readings)");
  command.add_option("--influx-results-measurement",
                     options.store.schema.results,
                     "Measurement of processed results (default: results)");
  command
      .add_option("--influx-compression", options.compression,
                  "gzip for writes: auto (gzip until the server rejects "
                  "it), gzip or none")
      ->check(CLI::IsMember({"auto", "gzip", "none"}));
  command
      .add_option("--influx-chunk-size", config.query_chunk_size,
                  "Rows per chunk of a query response")
      ->check(CLI::Range(1, 1'000'000));
}

std::vector<std::pair<std::string, std::string>> influx_setting_keys() {
  return {{"--influx-url", "influx.url"},
          {"--influx-api", "influx.api"},
          {"--influx-database", "influx.database"},
          {"--influx-retention-policy", "influx.retention_policy"},
          {"--influx-username", "influx.username"},
          {"--influx-password", "influx.password"},
          {"--influx-org", "influx.org"},
          {"--influx-bucket", "influx.bucket"},
          {"--influx-token", "influx.token"},
          {"--influx-measurement", "influx.measurement"},
          {"--influx-results-measurement", "influx.results_measurement"},
          {"--influx-compression", "influx.compression"},
          {"--influx-chunk-size", "influx.chunk_size"}};
}

std::vector<std::string> influx_secret_keys() {
  return {"influx.password", "influx.token"};
}

result<std::unique_ptr<influx_history_store>, std::string> open_influx_store(
    influx_cli_options& options) {
  auto api = parse_influx_api(options.api);
  if (!api) return failure{"--influx-api: " + api.error()};
  options.config.api = api.value();
  if (options.compression == "auto") {
    options.config.compression = influx_compression::automatic;
  } else if (options.compression == "gzip") {
    options.config.compression = influx_compression::gzip;
  } else if (options.compression == "none") {
    options.config.compression = influx_compression::none;
  } else {
    return failure{fmt::format(
        "--influx-compression {:?} is invalid; expected auto, gzip or none",
        options.compression)};
  }
  return influx_history_store::create(options.config, options.store);
}

}  // namespace ntscada
