// Tests that drive the ntscada binary and read its outputs with kcat, an
// independent Kafka client.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "kafka/reading_publisher.h"
#include "kafka_test_support.h"

namespace ntscada {
namespace {

using testing::child_process;

constexpr std::int64_t kBaseMs = 1'717'243'200'000;

class StreamCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Eight partitions keep 40,000 results under the embedded broker's
    // retention of about 5 MiB per partition.
    cluster_ = testing::start_cluster(8);
    brokers_ = cluster_->bootstrap_servers();
    log_dir_ = std::filesystem::temp_directory_path() /
               fmt::format("ntscada-test-{}", getpid());
    std::filesystem::create_directories(log_dir_);
  }

  std::unique_ptr<child_process> start_stream(
      const std::string& log_name, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{NTSCADA_BINARY,
                                  "stream",
                                  "--brokers",
                                  brokers_,
                                  "--group",
                                  "command-test",
                                  "--consumer-property",
                                  "fetch.wait.max.ms=1",
                                  "--consumer-property",
                                  "auto.commit.interval.ms=200",
                                  "--consumer-property",
                                  "session.timeout.ms=6000"};
    // Any free port, so that test runs in parallel do not collide on the
    // default metrics port.
    argv.insert(argv.end(), {"--metrics-address", "127.0.0.1:0"});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<child_process>(argv,
                                           (log_dir_ / log_name).string());
  }

  std::vector<std::pair<std::string, std::string>> readings(int count) {
    std::vector<std::pair<std::string, std::string>> inputs;
    for (int i = 0; i < count; ++i) {
      std::string sensor = fmt::format("plant/s{}", i % 50);
      inputs.emplace_back(sensor, testing::reading_json(sensor, "voltage",
                                                        i % 100, kBaseMs + i));
    }
    return inputs;
  }

  std::unique_ptr<mock_cluster> cluster_;
  std::string brokers_;
  std::filesystem::path log_dir_;
  topic_names topics_;
};

TEST_F(StreamCommandTest, KcatReadsEveryResult) {
  testing::produce_all(brokers_, topics_.sensors, readings(300));
  auto stream = start_stream("kcat.log");
  // Wait until the processor caught up, reading with the test's own client.
  ASSERT_GE(testing::read_topic(brokers_, topics_.processed, 300).size(), 300u);
  stream->send_signal(SIGTERM);
  EXPECT_EQ(stream->wait(std::chrono::seconds(30)), 0);

  std::string output = testing::run_command(
      fmt::format("kcat -C -b {} -t {} -o beginning -e -q -f '%k\\t%s\\n' "
                  "-X fetch.wait.max.ms=1 2>/dev/null",
                  brokers_, topics_.processed));
  std::istringstream lines(output);
  std::string line;
  simdjson::dom::parser parser;
  std::size_t count = 0;
  std::size_t anomalies = 0;
  while (std::getline(lines, line)) {
    auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    simdjson::dom::element doc = parser.parse(line.substr(tab + 1));
    EXPECT_EQ(line.substr(0, tab), std::string_view(doc["sensor_id"]));
    if (bool(doc["anomaly_detected"])) ++anomalies;
    ++count;
  }
  EXPECT_EQ(count, 300u);
  // Values i % 100: below Lo (0..19) and above Hi (81..99) are anomalies.
  EXPECT_EQ(anomalies, 3u * (20 + 19));

  std::string anomaly_count = testing::run_command(fmt::format(
      "kcat -C -b {} -t {} -o beginning -e -q -X fetch.wait.max.ms=1 "
      "2>/dev/null | wc -l",
      brokers_, topics_.anomalies));
  EXPECT_EQ(std::stoul(anomaly_count), 3u * (20 + 19));
}

TEST_F(StreamCommandTest, SigtermRestartLosesNothing) {
  constexpr int kInputs = 40'000;
  constexpr int kChunk = 200;
  auto inputs = readings(kInputs);
  auto first = start_stream("first.log");

  // Keep producing while the processor is stopped, so the stop is sure to
  // fall mid-stream.
  auto publisher = reading_publisher::create(brokers_, topics_.sensors);
  ASSERT_TRUE(publisher) << publisher.error();
  std::thread producer([&] {
    for (int i = 0; i < kInputs; ++i) {
      publisher.value()->publish(inputs[i].first, inputs[i].second);
      if (i % kChunk == kChunk - 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    publisher.value()->flush(30'000);
  });
  auto early = testing::read_topic(brokers_, topics_.processed, 1,
                                   std::chrono::seconds(30),
                                   std::chrono::milliseconds(0));
  first->send_signal(SIGTERM);
  auto first_exit = first->wait(std::chrono::seconds(30));
  producer.join();
  ASSERT_GE(early.size(), 1u);
  EXPECT_EQ(first_exit, 0);
  ASSERT_EQ(publisher.value()->acknowledged(),
            static_cast<std::uint64_t>(kInputs));
  std::size_t after_first =
      testing::read_topic(brokers_, topics_.processed, kInputs,
                          std::chrono::seconds(2))
          .size();

  auto second = start_stream("second.log");
  auto processed =
      testing::read_topic(brokers_, topics_.processed, kInputs,
                          std::chrono::seconds(60), std::chrono::seconds(1));
  second->send_signal(SIGTERM);
  EXPECT_EQ(second->wait(std::chrono::seconds(30)), 0);

  std::map<std::pair<std::int64_t, std::int64_t>, int> results_per_input;
  simdjson::dom::parser parser;
  for (const auto& record : processed) {
    simdjson::dom::element doc = parser.parse(record.value);
    ++results_per_input[{int64_t(doc["source"]["partition"]),
                         int64_t(doc["source"]["offset"])}];
  }
  std::size_t duplicates = processed.size() - results_per_input.size();
  EXPECT_EQ(results_per_input.size(), static_cast<std::size_t>(kInputs));
  RecordProperty("results_after_first_run", std::to_string(after_first));
  RecordProperty("duplicates", std::to_string(duplicates));
  std::cout << "stopped after " << after_first << " of " << kInputs
            << " results; " << duplicates << " duplicates after restart\n";
  EXPECT_LT(after_first, static_cast<std::size_t>(kInputs));
}

TEST_F(StreamCommandTest, KillBeforeAcknowledgementCommitsNothing) {
  // Ten readings on one partition. The first run keeps its outputs in the
  // producer (linger.ms) far longer than the auto-commit interval and is
  // killed before any is acknowledged: nothing may be committed.
  std::vector<std::pair<std::string, std::string>> inputs;
  for (int i = 0; i < 10; ++i) {
    inputs.emplace_back("line1/flow",
                        testing::reading_json("line1/flow", "other", 10 + i,
                                              kBaseMs + i * 1000));
  }
  testing::produce_all(brokers_, topics_.sensors, inputs, 0);

  auto first = start_stream(
      "killed.log", {"--producer-property", "linger.ms=20000",
                     "--producer-property", "message.timeout.ms=60000"});
  // Long enough for the group join, consumption and several auto-commit
  // intervals, well short of linger.ms.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  first->send_signal(SIGKILL);
  EXPECT_EQ(first->wait(std::chrono::seconds(10)), std::nullopt);
  std::ifstream log(log_dir_ / "killed.log");
  std::string log_text((std::istreambuf_iterator<char>(log)),
                       std::istreambuf_iterator<char>());
  ASSERT_NE(log_text.find("assigned partitions="), std::string::npos)
      << "the first run never joined its group, so it proves nothing";
  EXPECT_EQ(
      testing::committed_offset(brokers_, "command-test", topics_.sensors, 0),
      -1);
  EXPECT_TRUE(testing::read_topic(brokers_, topics_.processed, 1,
                                  std::chrono::seconds(1))
                  .empty());

  auto second = start_stream("restarted.log");
  auto processed = testing::read_topic(brokers_, topics_.processed, 10);
  second->send_signal(SIGTERM);
  EXPECT_EQ(second->wait(std::chrono::seconds(30)), 0);
  EXPECT_EQ(processed.size(), 10u);
  EXPECT_EQ(
      testing::committed_offset(brokers_, "command-test", topics_.sensors, 0),
      10);
}

}  // namespace
}  // namespace ntscada
