// Measures write and read throughput of the InfluxDB client against a local
// influxd that it starts itself (tests/support/influxd_server.h), so it
// needs the Debian package influxdb. Writes POINTS readings of 100 sensors
// in batches of BATCH lines, gzip-compressed and plain in turn, twice each
// into fresh measurements so that neither always runs on a cold server,
// then loads the whole window back with chunked queries.
// Usage: influx_throughput [POINTS] [BATCH] (default 1,000,000 and 5,000).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "influx/influx_history_store.h"
#include "support/influxd_server.h"

namespace {

using namespace ntscada;
using seconds = std::chrono::duration<double>;

constexpr epoch_ns kBase = 1'717'243'200'000'000'000;
constexpr int kSensors = 100;

// Encodes and writes `points` readings; returns the seconds it took.
double write_points(influx_history_store& store, std::size_t points,
                    std::size_t batch) {
  std::vector<std::string> ids;
  for (int s = 0; s < kSensors; ++s) {
    ids.push_back(fmt::format("plant/asset-{}/sensor-{:03}", s / 10, s));
  }
  auto started = std::chrono::steady_clock::now();
  std::string lines;
  std::size_t pending = 0;
  for (std::size_t i = 0; i < points; ++i) {
    reading r;
    r.sensor_id = ids[i % kSensors];
    r.sensor_type = "temperature";
    r.unit = "C";
    r.asset_id = "plant/asset";
    r.value = 20.0 + static_cast<double>(i % 1000) * 0.01;
    r.timestamp = kBase + static_cast<epoch_ns>(i / kSensors) * 1'000'000'000;
    if (!append_reading_point(lines, store.options().schema.readings, r)) {
      std::fprintf(stderr, "encoding failed\n");
      std::exit(1);
    }
    if (++pending == batch || i + 1 == points) {
      auto written = store.client().write(lines);
      if (!written) {
        std::fprintf(stderr, "write failed: %s\n",
                     written.error().describe().c_str());
        std::exit(1);
      }
      lines.clear();
      pending = 0;
    }
  }
  return seconds(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t points = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  std::size_t batch = argc > 2 ? std::stoul(argv[2]) : 5'000;
  testing::influxd_server server;
  server.create_database("bench");

  for (int round = 0; round < 4; ++round) {
    auto compression =
        round % 2 == 0 ? influx_compression::gzip : influx_compression::none;
    influx_config config = server.config("bench");
    config.compression = compression;
    influx_store_options options;
    options.schema.readings = fmt::format(
        "{}{}", compression == influx_compression::gzip ? "gzip" : "plain",
        round / 2);
    auto store = influx_history_store::create(config, options);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().c_str());
      return 1;
    }
    double took = write_points(*store.value(), points, batch);
    std::printf(
        "write %-6s %zu points in batches of %zu: %.2f s, %.0f points/s, "
        "%.1f MB sent\n",
        options.schema.readings.c_str(), points, batch, took,
        static_cast<double>(points) / took,
        static_cast<double>(store.value()->client().bytes_written()) / 1e6);
  }

  influx_store_options options;
  options.schema.readings = "gzip1";
  auto store = influx_history_store::create(server.config("bench"), options);
  auto started = std::chrono::steady_clock::now();
  auto loaded = store.value()->load(
      {kBase,
       kBase + static_cast<epoch_ns>(points / kSensors + 1) * 1'000'000'000,
       {}});
  double took = seconds(std::chrono::steady_clock::now() - started).count();
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().c_str());
    return 1;
  }
  std::printf(
      "read %zu points (chunks of 10,000 rows): %.2f s, %.0f points/s\n",
      loaded->size(), took, static_cast<double>(loaded->size()) / took);
  return 0;
}
