// Tests of ingesting from Kafka (the embedded broker) into a real influxd,
// through history_ingester and through the `ntscada ingest` and `train`
// commands.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "child_process.h"
#include "history/history_ingester.h"
#include "history/sqlite_history_store.h"
#include "influx/influx_ingest_target.h"
#include "influx/influxql.h"
#include "kafka_test_support.h"
#include "replay/skab_reader.h"
#include "scoring/result_record.h"
#include "support/influxd_server.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;
using testing::reading_json;

constexpr std::int64_t kBaseMs = 1'717'243'200'000;
constexpr int kPartitions = 2;
const std::string kDeadletterTopic = "scada.ingest.deadletter";

bool wait_for(const std::function<bool()>& condition,
              std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Runs an ingester on a background thread until stop() is called.
class running_ingester {
 public:
  running_ingester(ingest_options options, ingest_target& target) {
    auto created = history_ingester::create(std::move(options), target);
    if (!created) throw std::runtime_error(created.error());
    ingester_ = std::move(created.value());
    thread_ = std::thread([this] { exit_code_ = ingester_->run(stop_); });
  }
  ~running_ingester() {
    if (thread_.joinable()) stop();
  }
  int stop() {
    stop_.store(true);
    thread_.join();
    return exit_code_;
  }
  const ingest_stats& stats() const { return ingester_->stats(); }

 private:
  std::unique_ptr<history_ingester> ingester_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int exit_code_ = -1;
};

class InfluxIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::influxd_server>();
    server_->create_database("scada");
    cluster_ = testing::start_cluster(kPartitions);
    ASSERT_TRUE(cluster_->create_topic(kDeadletterTopic, 1));
    brokers_ = cluster_->bootstrap_servers();
    auto store = influx_history_store::create(server_->config("scada"));
    ASSERT_TRUE(store) << store.error();
    store_ = std::move(store.value());
    // A second client for checks, because the ingester thread owns store_.
    auto checker = influx_client::create(server_->config("scada"));
    ASSERT_TRUE(checker) << checker.error();
    checker_ = std::move(checker.value());
  }

  ingest_options options(const std::string& group) {
    ingest_options result;
    result.brokers = brokers_;
    result.group_id = group;
    // One-millisecond fetch waits, because the mock broker keeps an empty
    // fetch for the whole fetch.wait.max.ms.
    result.consumer_properties = {{"fetch.wait.max.ms", "1"},
                                  {"session.timeout.ms", "6000"}};
    result.batch_rows = 500;
    result.batch_interval = std::chrono::milliseconds(100);
    result.poll_timeout = std::chrono::milliseconds(20);
    result.retry_backoff = std::chrono::milliseconds(50);
    result.max_retry_backoff = std::chrono::milliseconds(400);
    result.deadletter_topic = kDeadletterTopic;
    return result;
  }

  // Produces readings [first, first + count) of one sensor per partition.
  void produce(int first, int count) {
    for (int p = 0; p < kPartitions; ++p) {
      std::vector<std::pair<std::string, std::string>> records;
      std::string sensor = fmt::format("line1/s{}", p);
      for (int i = first; i < first + count; ++i) {
        records.emplace_back(
            sensor, reading_json(sensor, "temperature", 40.0 + i, kBaseMs + i));
      }
      testing::produce_all(brokers_, topics_.sensors, records, p);
    }
  }

  // Returns the number of points in `measurement`, or -1 on a failure.
  std::int64_t count(const std::string& measurement = "readings") {
    std::int64_t total = 0;
    auto counted = checker_->query(
        "SELECT count(\"value\") FROM " + quote_identifier(measurement),
        [&](const influx_series_chunk& chunk) -> result<bool, std::string> {
          for (simdjson::dom::element row : chunk.rows) {
            auto cell = row.get_array().begin();
            ++cell;
            std::int64_t rows = 0;
            if ((*cell).get(rows) == simdjson::SUCCESS) total += rows;
          }
          return true;
        });
    return counted ? total : -1;
  }

  bool all_committed(const std::string& group, std::int64_t offset,
                     const std::string& topic) {
    for (int p = 0; p < kPartitions; ++p) {
      if (testing::committed_offset(brokers_, group, topic, p) != offset) {
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<testing::influxd_server> server_;
  std::unique_ptr<mock_cluster> cluster_;
  std::string brokers_;
  topic_names topics_;
  std::unique_ptr<influx_history_store> store_;
  std::unique_ptr<influx_client> checker_;
};

TEST_F(InfluxIngestTest, ServerRestartMidIngestLosesNothing) {
  influx_ingest_target target(*store_, influx_record_kind::readings, {},
                              1 << 20);
  running_ingester ingester(options("ingest-restart"), target);
  produce(0, 300);
  ASSERT_TRUE(wait_for([&] { return count() == 2 * 300; }));

  server_->stop();
  produce(300, 1);
  // The failed write pauses consumption.
  ASSERT_TRUE(wait_for([&] { return ingester.stats().store_failures >= 2; }));
  produce(301, 700);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(ingester.stats().consumed.load(), 2u * 301)
      << "the ingester consumed while InfluxDB was down";
  EXPECT_TRUE(all_committed("ingest-restart", 300, topics_.sensors));

  server_->start();
  ASSERT_TRUE(wait_for([&] { return count() == 2 * 1001; }))
      << "stored " << count();
  ASSERT_TRUE(wait_for(
      [&] { return all_committed("ingest-restart", 1001, topics_.sensors); }));
  EXPECT_EQ(ingester.stop(), kIngestExitClean);
  EXPECT_EQ(ingester.stats().consumed.load(), 2u * 1001);
  EXPECT_EQ(ingester.stats().invalid.load(), 0u);
  EXPECT_GE(ingester.stats().store_failures.load(), 2u);

  // Every reading is there once, with its value.
  auto loaded =
      store_->load({kBaseMs * 1'000'000, (kBaseMs + 1001) * 1'000'000, {}});
  ASSERT_TRUE(loaded) << loaded.error();
  ASSERT_EQ(loaded->size(), 2u * 1001);
  for (std::size_t i = 0; i < loaded->size(); ++i) {
    epoch_ns ms = loaded->timestamps()[i] / 1'000'000;
    EXPECT_EQ(loaded->values()[i], 40.0 + static_cast<double>(ms - kBaseMs));
  }
}

TEST_F(InfluxIngestTest, RejectedBatchGoesToDeadLetterTopic) {
  // Another writer made "value" an integer in this shard, so InfluxDB
  // rejects our float points with 400.
  ASSERT_TRUE(checker_->write(
      "readings,sensor_id=other value=1i 1717243100000000000\n"));
  influx_ingest_target target(*store_, influx_record_kind::readings, {},
                              1 << 20);
  std::vector<std::pair<std::string, std::string>> records;
  for (int i = 0; i < 5; ++i) {
    records.emplace_back(
        "k", reading_json("room-4/temp", "temperature", 25 + i, kBaseMs + i));
  }
  testing::produce_all(brokers_, topics_.sensors, records, 0);
  testing::produce_all(brokers_, topics_.sensors,
                       {{"k", R"({"sensor_id":"dir\\","sensor_type":"t",)"
                              R"("value":1,"unit":"C",)"
                              R"("timestamp":1717243200000})"}},
                       1);

  running_ingester ingester(options("ingest-reject"), target);
  auto letters = testing::read_topic(brokers_, kDeadletterTopic, 6);
  ASSERT_TRUE(wait_for([&] {
    return testing::committed_offset(brokers_, "ingest-reject", topics_.sensors,
                                     0) == 5 &&
           testing::committed_offset(brokers_, "ingest-reject", topics_.sensors,
                                     1) == 1;
  }));
  EXPECT_EQ(ingester.stop(), kIngestExitClean);
  EXPECT_EQ(ingester.stats().rejected_batches.load(), 1u);
  EXPECT_EQ(ingester.stats().deadlettered.load(), 6u);

  ASSERT_EQ(letters.size(), 6u);
  std::set<std::int64_t> rejected_offsets;
  for (const auto& letter : letters) {
    if (letter.headers.at("ntscada.reason") == "sensor_id_unrepresentable") {
      EXPECT_EQ(letter.headers.at("ntscada.source.partition"), "1");
      EXPECT_NE(letter.value.find("dir\\\\"), std::string::npos);
      continue;
    }
    EXPECT_EQ(letter.headers.at("ntscada.reason"), "influxdb_rejected");
    EXPECT_EQ(letter.headers.at("ntscada.source.topic"), topics_.sensors);
    EXPECT_NE(letter.headers.at("ntscada.detail").find("field type conflict"),
              std::string::npos);
    EXPECT_NE(letter.headers.at("ntscada.detail")
                  .find("first offending line: readings,sensor_id=room-4"),
              std::string::npos)
        << letter.headers.at("ntscada.detail");
    EXPECT_NE(letter.value.find("room-4/temp"), std::string::npos);
    rejected_offsets.insert(
        std::stoll(letter.headers.at("ntscada.source.offset")));
  }
  EXPECT_EQ(rejected_offsets, (std::set<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST_F(InfluxIngestTest, WrongPasswordStopsWithoutCommitting) {
  influx_config config = server_->config("scada");
  config.password = "wrong";
  auto store = influx_history_store::create(config);
  ASSERT_TRUE(store);
  influx_ingest_target target(*store.value(), influx_record_kind::readings, {},
                              1 << 20);
  produce(0, 3);
  auto created = history_ingester::create(options("ingest-auth"), target);
  ASSERT_TRUE(created) << created.error();
  std::atomic<bool> stop{false};
  EXPECT_EQ(created.value()->run(stop), kIngestExitFatal);
  EXPECT_EQ(
      testing::committed_offset(brokers_, "ingest-auth", topics_.sensors, 0),
      -1);
  EXPECT_EQ(created.value()->stats().deadlettered.load(), 0u);
}

// Runs the ntscada binary with `arguments`; returns its exit status and
// output.
int run_ntscada(const std::string& arguments, std::string& output) {
  std::string command =
      std::string(NTSCADA_BINARY) + " " + arguments + " 2>&1; echo \"exit=$?\"";
  output = testing::run_command(command);
  auto at = output.rfind("exit=");
  return std::stoi(output.substr(at + 5));
}

TEST_F(InfluxIngestTest, IngestCommandWritesProcessedResults) {
  std::vector<std::pair<std::string, std::string>> records;
  for (int i = 0; i < 4; ++i) {
    reading r;
    r.sensor_id = "pump-07/temp";
    r.sensor_type = "temperature";
    r.value = 80 + i;
    r.unit = "C";
    r.timestamp = (kBaseMs + i) * 1'000'000;
    score s;
    s.anomaly = i % 2 == 1;
    s.confidence = 0.75;
    s.state = operational_state::high;
    s.level = severity::medium;
    std::string json;
    append_result_json(json, r, s, "rules:default", r.timestamp,
                       {topics_.processed, 0, i});
    records.emplace_back(r.sensor_id, json);
  }
  testing::produce_all(brokers_, topics_.processed, records, 0);

  std::string log = (fs::temp_directory_path() /
                     fmt::format("ntscada-ingest-{}.log", ::getpid()))
                        .string();
  {
    testing::child_process ingest({NTSCADA_BINARY,
                                   "ingest",
                                   "--brokers",
                                   brokers_,
                                   "--sink",
                                   "influxdb",
                                   "--metrics-address",
                                   "127.0.0.1:0",
                                   "--records",
                                   "results",
                                   "--group",
                                   "cli-results",
                                   "--batch-ms",
                                   "50",
                                   "--consumer-property",
                                   "fetch.wait.max.ms=1",
                                   "--influx-url",
                                   server_->url(),
                                   "--influx-database",
                                   "scada",
                                   "--influx-username",
                                   testing::influxd_server::kAdminUser,
                                   "--influx-password",
                                   testing::influxd_server::kAdminPassword},
                                  log);
    ASSERT_TRUE(wait_for([&] { return count("results") == 4; }));
    ingest.send_signal(SIGTERM);
    EXPECT_EQ(ingest.wait(std::chrono::seconds(30)), 0);
  }
  std::ifstream in(log);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(testing::influxd_server::kAdminPassword),
            std::string::npos)
      << "the password appears in the log";
  fs::remove(log);

  std::vector<std::string> cells;
  auto queried = checker_->query(
      "SELECT \"anomaly_detected\", \"confidence\", \"operational_state\", "
      "\"severity\", \"value\" FROM \"results\" WHERE \"sensor_id\" = "
      "'pump-07/temp'",
      [&](const influx_series_chunk& chunk) -> result<bool, std::string> {
        for (simdjson::dom::element row : chunk.rows) {
          cells.push_back(simdjson::minify(row));
        }
        return true;
      });
  ASSERT_TRUE(queried) << queried.error().describe();
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_EQ(cells[1], "[1717243200001000000,true,0.75,\"HIGH\",\"MEDIUM\",81]");
}

TEST_F(InfluxIngestTest, TrainFromInfluxMatchesSqlite) {
  fs::path folder = fs::temp_directory_path() /
                    fmt::format("ntscada-train-influx-{}", ::getpid());
  fs::remove_all(folder);
  fs::create_directories(folder);

  // Simulated readings through `ntscada simulate` would need a broker
  // round trip; a generated SKAB-like set keeps the test short.
  std::vector<reading> readings;
  for (int t = 0; t < 2000; ++t) {
    for (int s = 0; s < 4; ++s) {
      reading r;
      r.sensor_id = fmt::format("rig/sensor-{}", s);
      r.sensor_type = s % 2 ? "pressure" : "temperature";
      r.unit = s % 2 ? "bar" : "C";
      r.asset_id = "rig";
      bool fault = (t / 100) % 5 == 4;
      r.value = (s % 2 ? 2.0 : 60.0) + ((t * 7 + s * 13) % 17) * 0.1 +
                (fault ? 5.0 : 0.0);
      r.labels.anomaly = fault;
      r.timestamp = (kBaseMs + t * 1000) * 1'000'000;
      readings.push_back(r);
    }
  }
  {
    auto sqlite = sqlite_history_store::open(folder / "history.db");
    ASSERT_TRUE(sqlite) << sqlite.error();
    ASSERT_TRUE(sqlite.value()->append(readings));
    ASSERT_TRUE(store_->append(readings));
  }

  std::string window =
      " --start 2024-06-01T12:00:00Z --end 2024-06-01T13:00:00Z --trees 10 "
      "--state-rounds 5 --threads 1";
  std::string output;
  ASSERT_EQ(
      run_ntscada("train --store " + (folder / "history.db").string() + window +
                      " --registry " + (folder / "models-sqlite").string() +
                      " --reports " + (folder / "reports-sqlite").string(),
                  output),
      0)
      << output;
  // Through the environment, so the password stays out of the command line.
  ::setenv("NTSCADA_INFLUX_PASSWORD", testing::influxd_server::kAdminPassword,
           1);
  int influx_status =
      run_ntscada("train --source influxdb --influx-url " + server_->url() +
                      " --influx-database scada --influx-username " +
                      testing::influxd_server::kAdminUser + window +
                      " --registry " + (folder / "models-influx").string() +
                      " --reports " + (folder / "reports-influx").string(),
                  output);
  ::unsetenv("NTSCADA_INFLUX_PASSWORD");
  ASSERT_EQ(influx_status, 0) << output;

  auto report = [&](const std::string& name) {
    fs::path reports = folder / name;
    std::ifstream in(fs::directory_iterator(reports)->path());
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    return text;
  };
  std::string sqlite_report = report("reports-sqlite");
  std::string influx_report = report("reports-influx");
  // Compares the metrics, which follow from the feature matrices.
  auto metrics = [](const std::string& text) {
    auto start = text.find("\"metrics\"");
    auto end = text.find("\"seconds\"", start);
    return text.substr(start, end - start);
  };
  ASSERT_NE(sqlite_report.find("\"metrics\""), std::string::npos)
      << sqlite_report;
  EXPECT_EQ(metrics(sqlite_report), metrics(influx_report));
  EXPECT_NE(influx_report.find("influxdb:influxdb v1"), std::string::npos);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace ntscada
