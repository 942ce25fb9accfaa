// Tests of the metrics endpoint of a running stream processor: the
// exposition must parse with Prometheus's own checker whatever the input
// messages hold, its series must not grow with the number of sensors, and
// its counters must only grow.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "common/json_writer.h"
#include "kafka_test_support.h"
#include "monitoring/metrics_server.h"
#include "monitoring/process_metrics.h"
#include "rules/rule_scorer.h"
#include "stream/stream_metrics.h"

namespace ntscada {
namespace {

constexpr std::int64_t kBaseMs = 1'717'243'200'000;
constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr int kPartitions = 2;

// A reading with arbitrary text in sensor_type, JSON-escaped so that the
// message is valid JSON.
std::string reading_with_type(const std::string& sensor_type,
                              std::int64_t timestamp_ms) {
  std::string out;
  json_object_writer(out)
      .member("sensor_id", "line1/p1")
      .member("sensor_type", sensor_type)
      .member("value", 50.0)
      .member("unit", "bar")
      .member("timestamp", timestamp_ms)
      .finish();
  return out;
}

// The value of the sample line that starts with `series` followed by a
// space, or -1 when there is none.
double sample_value(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(series + " ")) {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

std::size_t count_samples(const std::string& text,
                          const std::string& prefix = "") {
  std::istringstream lines(text);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != '#' && line.starts_with(prefix)) ++count;
  }
  return count;
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = testing::start_cluster(kPartitions);
    brokers_ = cluster_->bootstrap_servers();
    work_dir_ = std::filesystem::temp_directory_path() /
                fmt::format("ntscada-metrics-test-{}", getpid());
    std::filesystem::create_directories(work_dir_);

    stream_options options = testing::test_stream_options(brokers_, "metrics");
    options.consumer_properties.emplace_back("statistics.interval.ms", "200");
    processor_ = std::make_unique<testing::running_processor>(
        options, std::make_unique<rule_scorer>(envelope_table{}));
    add_process_metrics(registry_, "test", "stream");
    add_stream_metrics(registry_, processor_->stats());
    auto server =
        metrics_server::start({"127.0.0.1", 0}, registry_,
                              stream_readiness_checks(processor_->stats()));
    ASSERT_TRUE(server) << server.error();
    server_ = std::move(server.value());
  }

  void TearDown() override {
    server_.reset();
    if (processor_) {
      EXPECT_EQ(processor_->stop(), kExitClean);
    }
    std::error_code ignored;
    std::filesystem::remove_all(work_dir_, ignored);
  }

  std::string scrape() {
    httplib::Client client("127.0.0.1", server_->address().port);
    auto response = client.Get("/metrics");
    if (!response) {
      ADD_FAILURE() << "GET /metrics failed: "
                    << httplib::to_string(response.error());
      return "";
    }
    EXPECT_EQ(response->status, 200);
    return response->body;
  }

  // Waits until every input has its result or dead letter acknowledged.
  void wait_for_outputs(std::uint64_t inputs) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    const stream_stats& stats = processor_->stats();
    while (stats.results_acknowledged.load() +
               stats.deadletters_acknowledged.load() <
           inputs) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "only " << stats.results_acknowledged.load() << " results and "
          << stats.deadletters_acknowledged.load() << " dead letters of "
          << inputs << " inputs";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Waits until librdkafka statistics report the lag of every partition,
  // so that the set of lag series no longer changes.
  void wait_for_lag_series() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (processor_->stats().consumer_statistics.partition_lags().size() <
           static_cast<std::size_t>(kPartitions)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "librdkafka statistics never reported every partition's lag";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Runs promtool check metrics on `text` and returns its output and exit
  // status.
  std::string promtool_check(const std::string& text, const char* name) {
    std::filesystem::path file = work_dir_ / name;
    std::ofstream(file) << text;
    return testing::run_command(
        fmt::format("{} check metrics < {} 2>&1; echo \"exit=$?\"", kPromtool,
                    file.string()));
  }

  void produce_readings(int count, int first_index, int distinct_sensors) {
    std::vector<std::pair<std::string, std::string>> records;
    for (int i = 0; i < count; ++i) {
      int index = first_index + i;
      std::string sensor =
          fmt::format("plant/sensor-{}", index % distinct_sensors);
      records.emplace_back(sensor,
                           testing::reading_json(sensor, "voltage", index % 100,
                                                 kBaseMs + index));
    }
    testing::produce_all(brokers_, topics_.sensors, records);
  }

  std::unique_ptr<mock_cluster> cluster_;
  std::string brokers_;
  topic_names topics_;
  std::filesystem::path work_dir_;
  std::unique_ptr<testing::running_processor> processor_;
  metric_registry registry_;
  std::unique_ptr<metrics_server> server_;
};

TEST_F(MetricsEndpointTest, PromtoolAcceptsHostileInputs) {
  ASSERT_TRUE(std::filesystem::exists(kPromtool))
      << kPromtool << " is missing; scripts/install-deps.sh installs the "
      << "prometheus package that ships it";
  // A quote with a trailing backslash and a line feed in sensor_type, in
  // otherwise valid readings, plus broken JSON and bytes that are not
  // UTF-8. Whether they are scored or dead-lettered, none may break the
  // exposition.
  std::vector<std::pair<std::string, std::string>> records = {
      {"line1/p1", reading_with_type("pres\"sure\\", kBaseMs)},
      {"line1/p1", reading_with_type("temp\nerature", kBaseMs + 1)},
      {"line1/p1", "{\"sensor_id\":\"a\"b\n"},
      {"line1/p1", "\xff\xfe\"\\\n"},
      {"line1/p1",
       testing::reading_json("line1/p1", "pressure", 50, kBaseMs + 2)},
  };
  testing::produce_all(brokers_, topics_.sensors, records);
  wait_for_outputs(records.size());

  std::string text = scrape();
  std::string checked = promtool_check(text, "stream.prom");
  EXPECT_NE(checked.find("exit=0"), std::string::npos) << checked << text;
  EXPECT_EQ(text.find("pres\""), std::string::npos);
  EXPECT_EQ(text.find("pres\\\""), std::string::npos);
  EXPECT_EQ(text.find("erature"), std::string::npos);
  EXPECT_EQ(sample_value(text, "ntscada_stream_messages_consumed_total"),
            static_cast<double>(records.size()));

  // Label values that do reach a label (here a model identity) are escaped
  // so that the text still parses.
  stream_stats hostile;
  hostile.set_model({"pres\"sure\\", "temp\nerature"});
  metric_registry hostile_registry;
  add_stream_metrics(hostile_registry, hostile);
  std::string hostile_text = hostile_registry.render();
  std::string hostile_checked = promtool_check(hostile_text, "hostile.prom");
  EXPECT_NE(hostile_checked.find("exit=0"), std::string::npos)
      << hostile_checked << hostile_text;
}

TEST_F(MetricsEndpointTest, SeriesDoNotGrowWithSensorIds) {
  produce_readings(10, 0, 1);
  wait_for_outputs(10);
  wait_for_lag_series();
  std::string before = scrape();

  // 10,000 readings from 10,000 distinct sensors.
  produce_readings(10'000, 10, 10'000);
  wait_for_outputs(10'010);
  wait_for_lag_series();
  std::string after = scrape();

  EXPECT_EQ(sample_value(after, "ntscada_stream_messages_consumed_total"),
            10'010.0);
  EXPECT_EQ(count_samples(after), count_samples(before));
  EXPECT_EQ(after.find("plant/sensor-"), std::string::npos);
  EXPECT_EQ(count_samples(after, "ntscada_stream_consumer_lag_messages{"),
            static_cast<std::size_t>(kPartitions));
}

TEST_F(MetricsEndpointTest, CountersGrowByReadingsBetweenScrapes) {
  produce_readings(10, 0, 5);
  wait_for_outputs(10);
  std::string first = scrape();

  produce_readings(100, 10, 5);
  wait_for_outputs(110);
  std::string second = scrape();

  auto growth = [&](const std::string& series) {
    return sample_value(second, series) - sample_value(first, series);
  };
  EXPECT_EQ(growth("ntscada_stream_messages_consumed_total"), 100.0);
  EXPECT_EQ(growth("ntscada_stream_readings_valid_total"), 100.0);
  EXPECT_EQ(growth("ntscada_stream_results_acknowledged_total"), 100.0);
  EXPECT_EQ(growth("ntscada_stream_processing_latency_seconds_count"), 100.0);
  EXPECT_EQ(growth("ntscada_stream_end_to_end_latency_seconds_count"), 100.0);
  EXPECT_EQ(growth("process_start_time_seconds"), 0.0);

  // One HELP and one TYPE line per family.
  std::map<std::string, std::pair<int, int>> headers;
  std::istringstream lines(second);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("# ")) continue;
    std::string name = line.substr(7, line.find(' ', 7) - 7);
    auto& count = headers[name];
    (line.starts_with("# HELP ") ? count.first : count.second) += 1;
  }
  EXPECT_GE(headers.size(), 20u);
  for (const auto& [name, count] : headers) {
    EXPECT_EQ(count.first, 1) << name;
    EXPECT_EQ(count.second, 1) << name;
  }
}

TEST_F(MetricsEndpointTest, ReadyzFollowsBrokerConnection) {
  httplib::Client client("127.0.0.1", server_->address().port);
  auto wait_for_status = [&](int status) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto response = client.Get("/readyz");
      if (response && response->status == status) return response->body;
      if (response) last = response->body;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "/readyz never returned " << status << "; last body "
                  << last;
    return std::string();
  };

  EXPECT_NE(wait_for_status(200).find("\"kafka\":\"ok\""), std::string::npos);
  cluster_->set_brokers_up(false);
  std::string down = wait_for_status(503);
  EXPECT_NE(down.find("\"kafka\":\"not connected"), std::string::npos) << down;
  EXPECT_NE(down.find("\"scorer\":\"ok\""), std::string::npos) << down;
  cluster_->set_brokers_up(true);
  wait_for_status(200);
}

}  // namespace
}  // namespace ntscada
