// Tests of the InfluxDB client and history store against a real influxd
// (InfluxDB 1.6 from Debian), started by the fixture on loopback.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "features/feature_extractor.h"
#include "history/sqlite_history_store.h"
#include "influx/influx_history_store.h"
#include "influx/influx_ingest_target.h"
#include "influx/influxql.h"
#include "reading/reading_parser.h"
#include "replay/skab_reader.h"
#include "simulate/plant_simulator.h"
#include "support/influxd_server.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

constexpr epoch_ns kBase = 1'717'243'200'000'000'000;  // 2024-06-01T12:00Z

// Resident set size (VmRSS) or its peak since the last reset (VmHWM), in
// bytes, from /proc/self/status.
std::int64_t status_bytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stoll(line.substr(field.size() + 1)) * 1024;
    }
  }
  return -1;
}

reading make_reading(std::string sensor_id, double value, epoch_ns time) {
  reading r;
  r.sensor_id = std::move(sensor_id);
  r.sensor_type = "temperature";
  r.value = value;
  r.unit = "C";
  r.timestamp = time;
  return r;
}

// Rows of one query, each cell as JSON text.
std::vector<std::vector<std::string>> query_rows(influx_client& client,
                                                 const std::string& influxql) {
  std::vector<std::vector<std::string>> rows;
  auto queried = client.query(
      influxql,
      [&](const influx_series_chunk& chunk) -> result<bool, std::string> {
        for (simdjson::dom::element row : chunk.rows) {
          std::vector<std::string> cells;
          for (simdjson::dom::element cell : row.get_array()) {
            std::string_view text;
            if (cell.get(text) == simdjson::SUCCESS) {
              cells.emplace_back(text);
            } else {
              cells.push_back(simdjson::minify(cell));
            }
          }
          rows.push_back(std::move(cells));
        }
        return true;
      });
  EXPECT_TRUE(queried) << influxql << ": "
                       << (queried ? "" : queried.error().describe());
  return rows;
}

class InfluxStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::influxd_server(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    database_ = std::string("test_") +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    server_->create_database(database_);
    auto store = influx_history_store::create(server_->config(database_));
    ASSERT_TRUE(store) << store.error();
    store_ = std::move(store.value());
  }

  static testing::influxd_server* server_;
  std::string database_;
  std::unique_ptr<influx_history_store> store_;
};

testing::influxd_server* InfluxStoreTest::server_ = nullptr;

TEST_F(InfluxStoreTest, EscapedIdsRoundTripByteForByte) {
  const std::vector<std::string> ids = {
      "boiler 2,zone=A", "tank'3",        "pump-07/temp.c", "line\"4", "a\\b",
      "back\\ slash",    "Kessel-Süd/T1", "equals=sign",
  };
  std::vector<reading> readings;
  for (const std::string& id : ids) {
    readings.push_back(make_reading(id, 71.5, kBase));
  }
  auto appended = store_->append(readings);
  ASSERT_TRUE(appended) << appended.error();

  for (const std::string& id : ids) {
    auto rows = query_rows(store_->client(),
                           "SELECT \"value\", \"sensor_id\" FROM \"readings\" "
                           "WHERE \"sensor_id\" = " +
                               quote_string(id));
    ASSERT_EQ(rows.size(), 1u) << id;
    EXPECT_EQ(rows[0][1], "71.5") << id;
    EXPECT_EQ(rows[0][2], id) << "stored tag differs from the id";
  }

  history_query everything{kBase, kBase + 1, {}};
  auto loaded = store_->load(everything);
  ASSERT_TRUE(loaded) << loaded.error();
  std::vector<std::string> stored;
  for (const sensor_info& info : loaded->sensors()) {
    stored.push_back(info.sensor_id);
  }
  std::vector<std::string> expected = ids;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(stored, expected);
}

TEST_F(InfluxStoreTest, UnrepresentableIdsDoNotCorruptNeighbours) {
  influx_ingest_target target(*store_, influx_record_kind::readings, {},
                              1 << 20);
  // `json_id` is the id as a JSON string body, escapes included.
  auto message = [](std::string_view json_id) {
    return fmt::format(
        R"({{"sensor_id":"{}","sensor_type":"temperature","value":71.5,)"
        R"("unit":"C","timestamp":1717243200000}})",
        json_id);
  };
  std::string trailing_backslash = message("dir\\\\");
  EXPECT_FALSE(target.add(message("before"), kBase));
  auto rejected = target.add(trailing_backslash, kBase);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->code, "sensor_id_unrepresentable");
  EXPECT_NE(rejected->detail.find("ends with a backslash"), std::string::npos);
  EXPECT_FALSE(target.add(message("after"), kBase));
  ASSERT_EQ(target.size(), 2u);
  ASSERT_TRUE(target.write());

  auto rows = query_rows(store_->client(),
                         "SELECT \"value\", \"sensor_id\" FROM \"readings\"");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][2], "after");
  EXPECT_EQ(rows[1][2], "before");

  // A line feed has no line protocol form either; the store rejects the
  // whole append instead of writing a broken line.
  std::vector<reading> with_newline = {make_reading("multi\nline", 1, kBase)};
  auto appended = store_->append(with_newline);
  ASSERT_FALSE(appended);
  EXPECT_NE(appended.error().find("line break"), std::string::npos);
}

TEST_F(InfluxStoreTest, WholeNumbersStayFloats) {
  for (const char* database_suffix : {"", "_whole_first"}) {
    std::string database = database_ + database_suffix;
    server_->create_database(database);
    auto store = influx_history_store::create(server_->config(database));
    ASSERT_TRUE(store);
    std::vector<double> values = {25, 24.6, 0, -3};
    if (*database_suffix) std::swap(values[0], values[1]);
    std::vector<reading> readings;
    for (std::size_t i = 0; i < values.size(); ++i) {
      readings.push_back(make_reading("room-4/temp", values[i],
                                      kBase + static_cast<epoch_ns>(i) * 1000));
    }
    // One write per reading, so that the first point alone fixes the type.
    for (const reading& r : readings) {
      auto appended = store.value()->append(std::span(&r, 1));
      ASSERT_TRUE(appended) << appended.error();
    }
    auto fields = query_rows(store.value()->client(),
                             "SHOW FIELD KEYS FROM \"readings\"");
    ASSERT_EQ(fields.size(), 1u);
    EXPECT_EQ(fields[0][0], "value");
    EXPECT_EQ(fields[0][1], "float");
    auto rows = query_rows(store.value()->client(),
                           "SELECT \"value\" FROM \"readings\"");
    EXPECT_EQ(rows.size(), 4u);
  }
}

TEST_F(InfluxStoreTest, FieldTypeConflictRejectsBatch) {
  // Another writer fixed "value" as an integer first. InfluxDB 1.x keeps
  // field types per shard, so the point lies in the same week.
  ASSERT_TRUE(store_->client().write(
      "readings,sensor_id=other value=1i 1717243100000000000\n"));
  influx_ingest_target target(*store_, influx_record_kind::readings, {},
                              1 << 20);
  EXPECT_FALSE(
      target.add(R"({"sensor_id":"room-4/temp","sensor_type":"temperature",)"
                 R"("value":25,"unit":"C","timestamp":1717243200000})",
                 kBase));
  auto written = target.write();
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().next, ingest_write_error::action::dead_letter);
  EXPECT_EQ(written.error().code, "influxdb_rejected");
  EXPECT_NE(written.error().message.find("HTTP 400"), std::string::npos);
  EXPECT_NE(written.error().message.find("field type conflict"),
            std::string::npos);
  EXPECT_NE(written.error().message.find(
                "first offending line: readings,sensor_id=room-4/temp,"
                "sensor_type=temperature,unit=C value=25 1717243200000000000"),
            std::string::npos)
      << written.error().message;
}

TEST_F(InfluxStoreTest, WrongPasswordFailsWithoutLeakingIt) {
  influx_config config = server_->config(database_);
  config.password = "wrong-Secret-42";
  auto store = influx_history_store::create(config);
  ASSERT_TRUE(store);

  auto written =
      store.value()->client().write("readings,sensor_id=s value=1 1\n");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().status, 401);
  EXPECT_TRUE(written.error().configuration_error());
  EXPECT_FALSE(written.error().retryable());
  EXPECT_EQ(written.error().message, "authorization failed");

  auto loaded = store.value()->load({kBase, kBase + 1, {}});
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("HTTP 401"), std::string::npos)
      << loaded.error();
  EXPECT_EQ(loaded.error().find("wrong-Secret-42"), std::string::npos);

  influx_ingest_target target(*store.value(), influx_record_kind::readings, {},
                              1 << 20);
  EXPECT_FALSE(
      target.add(R"({"sensor_id":"s","sensor_type":"temperature","value":1,)"
                 R"("unit":"C","timestamp":1717243200000})",
                 kBase));
  auto batch = target.write();
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().next, ingest_write_error::action::stop);
  EXPECT_EQ(batch.error().message.find("wrong-Secret-42"), std::string::npos);
}

TEST_F(InfluxStoreTest, EpochUnitsKeepTheirInstant) {
  influx_ingest_target target(*store_, influx_record_kind::readings, {},
                              1 << 20);
  epoch_ns now = kBase + 3'600'000'000'000;
  auto message = [](std::string_view sensor, std::string_view value,
                    std::string_view timestamp) {
    return fmt::format(
        R"({{"sensor_id":"{}","sensor_type":"flow_rate","value":{},)"
        R"("unit":"l/min","timestamp":{}}})",
        sensor, value, timestamp);
  };
  // Milliseconds, seconds and nanoseconds of one instant.
  EXPECT_FALSE(target.add(message("ms", "1", "1717243200123"), now));
  EXPECT_FALSE(target.add(message("s", "1", "1717243200"), now));
  EXPECT_FALSE(target.add(message("ns", "1", "1717243200123456789"), now));
  // Two readings of one series within one second.
  EXPECT_FALSE(target.add(message("line1/flow", "10.0", "1717243200123"), now));
  EXPECT_FALSE(target.add(message("line1/flow", "11.0", "1717243200456"), now));
  // Rejected instants never reach InfluxDB.
  auto future =
      target.add(message("ahead", "1",
                         std::to_string((now + 7'200'000'000'000) / 1000000)),
                 now);
  ASSERT_TRUE(future);
  EXPECT_EQ(future->code, "timestamp_in_future");
  auto zero = target.add(message("zero", "1", "0"), now);
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->code, "timestamp_implausible");
  ASSERT_TRUE(target.write());

  auto time_of = [&](const std::string& sensor) {
    auto rows = query_rows(store_->client(),
                           "SELECT \"value\" FROM \"readings\" WHERE "
                           "\"sensor_id\" = " +
                               quote_string(sensor));
    std::vector<std::string> times;
    for (const auto& row : rows) times.push_back(row[0]);
    return times;
  };
  EXPECT_EQ(time_of("ms"), std::vector<std::string>{"1717243200123000000"});
  EXPECT_EQ(time_of("s"), std::vector<std::string>{"1717243200000000000"});
  EXPECT_EQ(time_of("ns"), std::vector<std::string>{"1717243200123456789"});
  EXPECT_EQ(
      time_of("line1/flow"),
      (std::vector<std::string>{"1717243200123000000", "1717243200456000000"}));
  auto rfc3339 = query_rows(store_->client(),
                            "SELECT \"value\" FROM \"readings\" WHERE time = "
                            "'2024-06-01T12:00:00.123Z'");
  EXPECT_EQ(rfc3339.size(), 2u) << "ms and line1/flow at 12:00:00.123";
  EXPECT_TRUE(time_of("ahead").empty());
  EXPECT_TRUE(time_of("zero").empty());
}

TEST_F(InfluxStoreTest, QuotesDottedMeasurementNames) {
  influx_store_options options;
  options.schema.readings = "plant.readings-v1";
  auto store =
      influx_history_store::create(server_->config(database_), options);
  ASSERT_TRUE(store);
  std::vector<reading> readings = {make_reading("s", 1.5, kBase)};
  ASSERT_TRUE(store.value()->append(readings));
  auto loaded = store.value()->load({kBase, kBase + 1, {"s"}});
  ASSERT_TRUE(loaded) << loaded.error();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->values()[0], 1.5);
}

// Loads a window of 1,000,000 points and checks that memory grows by the
// returned columns and about one chunk, not by the whole response.
TEST_F(InfluxStoreTest, MillionPointWindowInBoundedMemory) {
  constexpr int kSensors = 100;
  constexpr int kPerSensor = 10'000;
  constexpr std::int64_t kStepNs = 1'000'000'000;
  {
    std::string lines;
    for (int t = 0; t < kPerSensor; ++t) {
      for (int s = 0; s < kSensors; ++s) {
        reading r = make_reading(fmt::format("plant/sensor-{:03}", s),
                                 s + t * 0.001, kBase + t * kStepNs);
        r.asset_id = fmt::format("plant/asset-{}", s / 10);
        r.labels.anomaly = (t + s) % 97 == 0;
        ASSERT_TRUE(append_reading_point(lines, "readings", r));
      }
      if (lines.size() > 4 * 1024 * 1024 || t + 1 == kPerSensor) {
        auto written = store_->write_lines(lines);
        ASSERT_TRUE(written) << written.error().describe();
        lines.clear();
        lines.shrink_to_fit();
      }
    }
  }

  std::int64_t before = status_bytes("VmRSS");
  // Writing 5 to clear_refs resets VmHWM, the peak resident set size.
  std::ofstream("/proc/self/clear_refs") << "5";
  auto loaded = store_->load({kBase, kBase + kPerSensor * kStepNs, {}});
  std::int64_t peak = status_bytes("VmHWM");
  ASSERT_TRUE(loaded) << loaded.error();
  ASSERT_EQ(loaded->size(), static_cast<std::size_t>(kSensors * kPerSensor));
  EXPECT_EQ(loaded->sensors().size(), static_cast<std::size_t>(kSensors));
  const auto& times = loaded->timestamps();
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(loaded->sensors()[loaded->sensor_column()[0]].sensor_id,
            "plant/sensor-000");
  EXPECT_EQ(loaded->values()[kSensors * kPerSensor - 1], 99 + 9999 * 0.001);
  std::size_t labelled = static_cast<std::size_t>(std::count(
      loaded->anomaly_labels().begin(), loaded->anomaly_labels().end(), 1));
  EXPECT_GT(labelled, 10'000u);

  double growth_mib = static_cast<double>(peak - before) / (1024.0 * 1024.0);
  std::printf("load of 1,000,000 points: resident set grew %.1f MiB at peak\n",
              growth_mib);
  // The columns take 21 bytes a row (21 MB) and one chunk of 10,000 rows
  // about 1.2 MB of JSON plus its parsed form. The whole response as one
  // body would be about 130 MB. Under AddressSanitizer the figure is lower
  // (7 MiB measured), because the write phase left freed pages resident
  // that the load reuses.
  EXPECT_LT(growth_mib, 48.0);
}

// Sorts readings by timestamp and then sensor id, the order in which the
// InfluxDB store returns readings of one instant.
void sort_like_influx(std::vector<reading>& readings) {
  std::stable_sort(readings.begin(), readings.end(),
                   [](const reading& a, const reading& b) {
                     if (a.timestamp != b.timestamp) {
                       return a.timestamp < b.timestamp;
                     }
                     return a.sensor_id < b.sensor_id;
                   });
}

void expect_same_history(const reading_history& sqlite,
                         const reading_history& influx) {
  ASSERT_EQ(sqlite.size(), influx.size());
  ASSERT_EQ(sqlite.sensors().size(), influx.sensors().size());
  for (std::size_t i = 0; i < sqlite.sensors().size(); ++i) {
    EXPECT_EQ(sqlite.sensors()[i].sensor_id, influx.sensors()[i].sensor_id);
    EXPECT_EQ(sqlite.sensors()[i].sensor_type, influx.sensors()[i].sensor_type);
    EXPECT_EQ(sqlite.sensors()[i].asset_id, influx.sensors()[i].asset_id);
    EXPECT_EQ(sqlite.sensors()[i].unit, influx.sensors()[i].unit);
  }
  EXPECT_EQ(sqlite.sensor_column(), influx.sensor_column());
  EXPECT_EQ(sqlite.timestamps(), influx.timestamps());
  EXPECT_EQ(sqlite.values(), influx.values());
  EXPECT_EQ(sqlite.anomaly_labels(), influx.anomaly_labels());

  auto statistics = reference_statistics::compute(sqlite, 0, sqlite.size());
  std::vector<float> from_sqlite = extract_features(sqlite, statistics);
  std::vector<float> from_influx = extract_features(influx, statistics);
  ASSERT_EQ(from_sqlite.size(), from_influx.size());
  EXPECT_TRUE(from_sqlite == from_influx) << "feature matrices differ";
}

// Writes `readings` to a new SQLite store and to InfluxDB and loads `query`
// from both.
void compare_stores(influx_history_store& influx,
                    const std::vector<reading>& readings,
                    const history_query& query) {
  fs::path folder = fs::temp_directory_path() /
                    fmt::format("ntscada-influx-compare-{}", ::getpid());
  fs::remove_all(folder);
  {
    auto sqlite = sqlite_history_store::open(folder / "history.db");
    ASSERT_TRUE(sqlite) << sqlite.error();
    ASSERT_TRUE(sqlite.value()->append(readings));
    ASSERT_TRUE(influx.append(readings));
    auto from_sqlite = sqlite.value()->load(query);
    auto from_influx = influx.load(query);
    ASSERT_TRUE(from_sqlite) << from_sqlite.error();
    ASSERT_TRUE(from_influx) << from_influx.error();
    ASSERT_GT(from_sqlite->size(), 0u);
    expect_same_history(from_sqlite.value(), from_influx.value());
  }
  fs::remove_all(folder);
}

TEST_F(InfluxStoreTest, SimulatedPlantFeaturesMatchSqlite) {
  plant_options plant;
  plant.seed = 7;
  plant.start_time = kBase;
  auto simulator = plant_simulator::create(plant);
  ASSERT_TRUE(simulator);
  std::vector<reading> readings;
  while (readings.size() < 20'000) {
    for (const reading& r : simulator.value().next_tick()) {
      readings.push_back(r);
    }
  }
  sort_like_influx(readings);
  history_query query{
      readings.front().timestamp, readings.back().timestamp + 1, {}};
  compare_stores(*store_, readings, query);
  // A window narrowed to two sensors.
  query.sensor_ids = {readings[0].sensor_id, readings[1].sensor_id};
  influx_store_options options;
  options.schema.readings = "readings_narrow";
  auto narrow =
      influx_history_store::create(server_->config(database_), options);
  ASSERT_TRUE(narrow);
  compare_stores(*narrow.value(), readings, query);
}

TEST_F(InfluxStoreTest, SkabFeaturesMatchSqlite) {
  fs::path file = fs::path(NTSCADA_SHARED_DATA) / "skab" / "valve1" / "0.csv";
  if (!fs::exists(file)) GTEST_SKIP() << "SKAB data not found at " << file;
  auto parsed = read_skab(file, "valve1");
  ASSERT_TRUE(parsed) << parsed.error();
  std::vector<reading> readings;
  for (const labelled_reading& item : parsed.value()) {
    readings.push_back(item.r);
  }
  // As imported: one row's eight readings share a timestamp and come in
  // column order, which is also sensor id order.
  std::vector<reading> sorted = readings;
  sort_like_influx(sorted);
  ASSERT_TRUE(std::equal(readings.begin(), readings.end(), sorted.begin(),
                         [](const reading& a, const reading& b) {
                           return a.sensor_id == b.sensor_id &&
                                  a.timestamp == b.timestamp;
                         }));
  compare_stores(
      *store_, readings,
      {readings.front().timestamp, readings.back().timestamp + 1, {}});
}

}  // namespace
}  // namespace ntscada
