#include "stream/stream_processor.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "kafka_test_support.h"
#include "rules/rule_scorer.h"

namespace ntscada {
namespace {

using testing::consumed_record;
using testing::reading_json;

constexpr std::int64_t kBaseMs = 1'717'243'200'000;

class StreamProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = testing::start_cluster(3);
    brokers_ = cluster_->bootstrap_servers();
  }

  std::unique_ptr<testing::running_processor> start(
      const std::string& group = "ntscada-test") {
    return std::make_unique<testing::running_processor>(
        testing::test_stream_options(brokers_, group),
        std::make_unique<rule_scorer>(envelope_table{}));
  }

  std::vector<consumed_record> read(const std::string& topic,
                                    std::size_t expected) {
    return testing::read_topic(brokers_, topic, expected);
  }

  std::unique_ptr<mock_cluster> cluster_;
  std::string brokers_;
  topic_names topics_;
};

TEST_F(StreamProcessorTest, CountsAndContentExact) {
  // 30 readings from 3 sensors: every fifth value is above Hi (80).
  std::vector<std::pair<std::string, std::string>> inputs;
  for (int i = 0; i < 30; ++i) {
    std::string sensor = fmt::format("line1/s{}", i % 3);
    double value = i % 5 == 0 ? 85.0 : 40.0 + i;
    inputs.emplace_back(
        sensor, reading_json(sensor, "temperature", value, kBaseMs + i));
  }
  inputs.emplace_back("bad-1", R"({"sensor_id":"t-1","value":)");
  inputs.emplace_back("bad-2", R"({"sensor_id":"t-2","sensor_type":"pressure",)"
                               R"("value":"3N7.39","unit":"bar",)"
                               R"("timestamp":1717243200000})");
  testing::produce_all(brokers_, topics_.sensors, inputs);

  auto processor = start();
  auto processed = read(topics_.processed, 30);
  auto anomalies = read(topics_.anomalies, 6);
  auto deadletters = read(topics_.deadletter, 2);
  EXPECT_EQ(processor->stop(), kExitClean);

  EXPECT_EQ(processed.size(), 30u);
  EXPECT_EQ(anomalies.size(), 6u);
  ASSERT_EQ(deadletters.size(), 2u);

  simdjson::dom::parser parser;
  std::set<std::string> anomalous_values;
  for (const consumed_record& record : anomalies) {
    simdjson::dom::element doc = parser.parse(record.value);
    EXPECT_EQ(record.key, std::string_view(doc["sensor_id"]));
    EXPECT_EQ(double(doc["value"]), 85.0);
    EXPECT_TRUE(bool(doc["anomaly_detected"]));
    EXPECT_EQ(std::string_view(doc["operational_state"]), "HIGH");
    EXPECT_EQ(std::string_view(doc["severity"]), "MEDIUM");
    EXPECT_EQ(std::string_view(doc["category"]), "THERMAL_PRESSURE");
    EXPECT_EQ(std::string_view(doc["detector"]), "rules:default");
    EXPECT_DOUBLE_EQ(double(doc["confidence"]), 0.75);
  }
  std::size_t optimal = 0;
  for (const consumed_record& record : processed) {
    simdjson::dom::element doc = parser.parse(record.value);
    if (std::string_view(doc["operational_state"]) == "OPTIMAL") ++optimal;
    EXPECT_EQ(std::string_view(doc["source"]["topic"]), topics_.sensors);
  }
  // Values 40+i for i not a multiple of 5: 41..69 are OPTIMAL (22 values
  // below 70 that are not multiples of 5 in i = 1..29).
  std::size_t expected_optimal = 0;
  for (int i = 0; i < 30; ++i) {
    if (i % 5 != 0 && 40.0 + i <= 70.0) ++expected_optimal;
  }
  EXPECT_EQ(optimal, expected_optimal);

  std::map<std::string, consumed_record> by_key;
  for (const consumed_record& record : deadletters) by_key[record.key] = record;
  ASSERT_TRUE(by_key.contains("bad-1"));
  ASSERT_TRUE(by_key.contains("bad-2"));
  EXPECT_EQ(by_key["bad-1"].value, R"({"sensor_id":"t-1","value":)");
  EXPECT_EQ(by_key["bad-1"].headers["ntscada.reason"], "invalid_json");
  EXPECT_EQ(by_key["bad-1"].headers["ntscada.detail"],
            "unexpected end of input at byte 27");
  EXPECT_EQ(by_key["bad-1"].headers["ntscada.source.topic"], topics_.sensors);
  EXPECT_EQ(by_key["bad-2"].headers["ntscada.reason"], "value_not_numeric");
  EXPECT_FALSE(by_key["bad-2"].headers["ntscada.source.partition"].empty());
  EXPECT_FALSE(by_key["bad-2"].headers["ntscada.source.offset"].empty());

  EXPECT_EQ(processor->stats().messages_consumed.load(), 32u);
  EXPECT_EQ(processor->stats().results_acknowledged.load(), 30u);
  EXPECT_EQ(processor->stats().anomalies_acknowledged.load(), 6u);
  EXPECT_EQ(processor->stats().deadletters_acknowledged.load(), 2u);
}

TEST_F(StreamProcessorTest, PoisonMessageDeadLetteredOnce) {
  std::vector<std::pair<std::string, std::string>> inputs;
  for (int i = 0; i < 7; ++i) {
    std::string value = i == 3 ? std::string("\x00\xFF\xFE\x7B", 4)
                               : reading_json("line1/flow", "other", 10 + i,
                                              kBaseMs + i * 1000);
    inputs.emplace_back("line1/flow", value);
  }
  testing::produce_all(brokers_, topics_.sensors, inputs, 1);

  auto first = start("poison-group");
  auto processed = read(topics_.processed, 6);
  auto deadletters = read(topics_.deadletter, 1);
  EXPECT_EQ(first->stop(), kExitClean);
  EXPECT_EQ(first->stats()
                .deadletters_by_reason[static_cast<std::size_t>(
                    reject_reason::invalid_json)]
                .load(),
            1u);

  ASSERT_EQ(processed.size(), 6u);
  simdjson::dom::parser parser;
  std::vector<std::int64_t> offsets;
  for (const consumed_record& record : processed) {
    simdjson::dom::element doc = parser.parse(record.value);
    offsets.push_back(int64_t(doc["source"]["offset"]));
  }
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 1, 2, 4, 5, 6}));
  ASSERT_EQ(deadletters.size(), 1u);
  EXPECT_EQ(deadletters[0].value, std::string("\x00\xFF\xFE\x7B", 4));
  EXPECT_EQ(deadletters[0].headers["ntscada.source.offset"], "3");
  EXPECT_EQ(deadletters[0].headers["ntscada.source.partition"], "1");
  EXPECT_EQ(
      testing::committed_offset(brokers_, "poison-group", topics_.sensors, 1),
      7);

  // A restart of the same group finds nothing new to do.
  auto second = start("poison-group");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (second->stats().assigned_partitions.load() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(second->stats().assigned_partitions.load(), 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(second->stop(), kExitClean);
  EXPECT_EQ(second->stats().messages_consumed.load(), 0u);
  EXPECT_EQ(read(topics_.deadletter, 1).size(), 1u);
}

TEST_F(StreamProcessorTest, BrokerOutageLosesNothing) {
  auto processor = start("outage-group");
  std::vector<std::pair<std::string, std::string>> batch;
  for (int i = 0; i < 500; ++i) {
    std::string sensor = fmt::format("s{}", i % 17);
    batch.emplace_back(sensor,
                       reading_json(sensor, "pressure", 50, kBaseMs + i));
  }
  testing::produce_all(brokers_, topics_.sensors, batch);
  ASSERT_GE(read(topics_.processed, 500).size(), 500u);

  // Take the broker away for a while, then bring it back and send more.
  cluster_->set_brokers_up(false);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  cluster_->set_brokers_up(true);
  testing::produce_all(brokers_, topics_.sensors, batch);

  auto processed = read(topics_.processed, 1000);
  EXPECT_EQ(processor->stop(), kExitClean);
  std::set<std::pair<std::int64_t, std::int64_t>> sources;
  simdjson::dom::parser parser;
  for (const consumed_record& record : processed) {
    simdjson::dom::element doc = parser.parse(record.value);
    sources.emplace(int64_t(doc["source"]["partition"]),
                    int64_t(doc["source"]["offset"]));
  }
  EXPECT_EQ(sources.size(), 1000u);
}

TEST_F(StreamProcessorTest, FullProducerQueueAppliesBackPressure) {
  std::vector<std::pair<std::string, std::string>> inputs;
  for (int i = 0; i < 5000; ++i) {
    std::string sensor = fmt::format("s{}", i % 31);
    inputs.emplace_back(sensor,
                        reading_json(sensor, "voltage", 85, kBaseMs + i));
  }
  testing::produce_all(brokers_, topics_.sensors, inputs);

  // Every reading is an anomaly, so 10,000 outputs pass through a local
  // queue of at most 1,000 while the broker is away.
  auto options = testing::test_stream_options(brokers_, "queue-group");
  options.producer_properties = {{"queue.buffering.max.messages", "1000"}};
  testing::running_processor processor(
      options, std::make_unique<rule_scorer>(envelope_table{}));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (processor.stats().messages_consumed.load() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  cluster_->set_brokers_up(false);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  cluster_->set_brokers_up(true);

  auto processed = read(topics_.processed, 5000);
  auto anomalies = read(topics_.anomalies, 5000);
  EXPECT_EQ(processor.stop(), kExitClean);
  std::set<std::pair<std::int64_t, std::int64_t>> sources;
  simdjson::dom::parser parser;
  for (const consumed_record& record : processed) {
    simdjson::dom::element doc = parser.parse(record.value);
    sources.emplace(int64_t(doc["source"]["partition"]),
                    int64_t(doc["source"]["offset"]));
  }
  EXPECT_EQ(sources.size(), 5000u);
  EXPECT_GE(anomalies.size(), 5000u);
}

TEST_F(StreamProcessorTest, TimedOutDeliveriesProducedAgain) {
  std::vector<std::pair<std::string, std::string>> inputs;
  for (int i = 0; i < 200; ++i) {
    std::string sensor = fmt::format("s{}", i % 7);
    inputs.emplace_back(sensor,
                        reading_json(sensor, "pressure", 50, kBaseMs + i));
  }
  testing::produce_all(brokers_, topics_.sensors, inputs);

  auto options = testing::test_stream_options(brokers_, "timeout-group");
  options.producer_properties = {{"message.timeout.ms", "1000"}};
  testing::running_processor processor(
      options, std::make_unique<rule_scorer>(envelope_table{}));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (processor.stats().messages_consumed.load() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    // Slow every response down once the processor has started consuming,
    // so that its deliveries outlive message.timeout.ms.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  cluster_->set_round_trip_time(2500);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  cluster_->set_round_trip_time(0);

  auto processed = read(topics_.processed, 200);
  EXPECT_EQ(processor.stop(), kExitClean);
  std::set<std::pair<std::int64_t, std::int64_t>> sources;
  simdjson::dom::parser parser;
  for (const consumed_record& record : processed) {
    simdjson::dom::element doc = parser.parse(record.value);
    sources.emplace(int64_t(doc["source"]["partition"]),
                    int64_t(doc["source"]["offset"]));
  }
  EXPECT_EQ(sources.size(), 200u);
  auto errors = processor.stats().delivery_errors_snapshot();
  EXPECT_GT(errors["_MSG_TIMED_OUT"], 0u);
  EXPECT_GT(processor.stats().produce_retries.load(), 0u);
  // A timed-out record may still have reached the broker, so the topic can
  // hold more records than were acknowledged, never fewer.
  EXPECT_GE(processor.stats().results_acknowledged.load(), 200u);
  EXPECT_GE(processed.size(), processor.stats().results_acknowledged.load());
}

}  // namespace
}  // namespace ntscada
