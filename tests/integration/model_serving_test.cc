// The stream processor scoring with registered models while a new version
// is promoted mid-stream, against the embedded broker.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "kafka_test_support.h"
#include "scoring/result_record.h"
#include "serving/model_scorer.h"
#include "serving/model_watcher.h"
#include "support/simulated_models.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;

struct result_fields {
  std::string detector;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

result_fields parse_result(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  result_fields out;
  out.detector = std::string(std::string_view(root["detector"]));
  out.partition =
      static_cast<std::int32_t>(std::int64_t(root["source"]["partition"]));
  out.offset = std::int64_t(root["source"]["offset"]);
  return out;
}

TEST(ModelServingTest, PromotionMidStreamSwapsBetweenBatches) {
  fs::path folder = fs::temp_directory_path() /
                    ("ntscada-model-serving-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  local_registry registry(folder / "models");
  auto first = testing::train_simulated_models(registry, 7, 24 * 60);
  ASSERT_TRUE(registry.set_alias(first.anomaly.name, "production", 1));
  // Version 2 is the same model file registered again, so the scores stay
  // comparable and only the detector differs between the versions.
  ASSERT_TRUE(
      registry.register_version(first.anomaly.name, first.anomaly.folder));

  auto cluster = testing::start_cluster(4);
  std::string brokers = cluster->bootstrap_servers();
  topic_names topics;

  auto scoring =
      std::make_unique<model_scorer>(testing::simulated_plant_envelopes());
  model_scorer& scorer = *scoring;
  serving_stats stats;
  model_watch_options watch;
  watch.registry = folder / "models";
  watch.interval = std::chrono::milliseconds(100);
  model_watcher watcher(watch, scorer, stats);
  watcher.check_now();
  ASSERT_EQ(stats.detector(), "model:ntscada-anomaly@1+ntscada-state@1");
  watcher.start();
  testing::running_processor processor(
      testing::test_stream_options(brokers, "ntscada-serving"),
      std::move(scoring));

  // 12,000 readings in chunks of 500; the promotion happens after half of
  // them are scored.
  std::vector<reading> readings =
      testing::simulated_readings(7, 12'000 / 18, 24 * 60);
  std::thread producer([&] {
    for (std::size_t i = 0; i < readings.size(); i += 500) {
      std::vector<std::pair<std::string, std::string>> chunk;
      for (std::size_t j = i; j < std::min(i + 500, readings.size()); ++j) {
        std::string json;
        append_reading_json(json, readings[j]);
        chunk.emplace_back(readings[j].sensor_id, std::move(json));
      }
      testing::produce_all(brokers, topics.sensors, chunk);
      if (i + 500 == 6000) {
        // Promote once the first half is scored, while the rest streams in.
        auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (processor.stats().results_acknowledged < 6000 &&
               std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        EXPECT_TRUE(registry.set_alias("ntscada-anomaly", "production", 2));
      }
    }
  });
  producer.join();
  auto records = testing::read_topic(brokers, topics.processed, readings.size(),
                                     std::chrono::seconds(60));
  processor.stop();
  watcher.stop();
  fs::remove_all(folder);

  ASSERT_EQ(records.size(), readings.size());
  std::set<std::pair<std::int32_t, std::int64_t>> positions;
  std::map<std::int32_t, std::vector<std::pair<std::int64_t, std::string>>>
      by_partition;
  for (const auto& record : records) {
    result_fields fields = parse_result(record.value);
    positions.emplace(fields.partition, fields.offset);
    by_partition[fields.partition].emplace_back(fields.offset, fields.detector);
  }
  EXPECT_EQ(positions.size(), readings.size()) << "a result is missing";

  const std::string old_detector = "model:ntscada-anomaly@1+ntscada-state@1";
  const std::string new_detector = "model:ntscada-anomaly@2+ntscada-state@1";
  std::size_t old_count = 0, new_count = 0;
  for (auto& [partition, outputs] : by_partition) {
    std::sort(outputs.begin(), outputs.end());
    bool swapped = false;
    for (const auto& [offset, detector] : outputs) {
      if (detector == new_detector) {
        swapped = true;
        ++new_count;
      } else {
        ASSERT_EQ(detector, old_detector) << "offset " << offset;
        ASSERT_FALSE(swapped) << "partition " << partition << " offset "
                              << offset << " went back to version 1";
        ++old_count;
      }
    }
  }
  EXPECT_GT(old_count, 0u);
  EXPECT_GT(new_count, 0u);
  EXPECT_EQ(stats.reloads, 2u);
  EXPECT_EQ(stats.load_failures, 0u);
}

}  // namespace
}  // namespace ntscada
