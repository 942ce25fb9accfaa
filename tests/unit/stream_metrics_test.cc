#include "stream/stream_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "serving/serving_metrics.h"

namespace ntscada {
namespace {

// Counts "# HELP name" and "# TYPE name" lines per family name.
std::map<std::string, std::pair<int, int>> header_counts(
    const std::string& text) {
  std::map<std::string, std::pair<int, int>> counts;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    bool help = line.starts_with("# HELP ");
    bool type = line.starts_with("# TYPE ");
    if (!help && !type) continue;
    std::string name = line.substr(7, line.find(' ', 7) - 7);
    (help ? counts[name].first : counts[name].second) += 1;
  }
  return counts;
}

TEST(StreamMetricsTest, CountersFollowStats) {
  stream_stats stats;
  metric_registry registry;
  add_stream_metrics(registry, stats);
  stats.messages_consumed += 12;
  ++stats.anomalies_by_severity[static_cast<std::size_t>(severity::high)];
  ++stats.deadletters_by_reason[static_cast<std::size_t>(
      reject_reason::invalid_json)];
  stats.count_delivery_error("_MSG_TIMED_OUT");
  stats.count_delivery_error("_MSG_TIMED_OUT");
  std::string text = registry.render();
  EXPECT_NE(text.find("\nntscada_stream_messages_consumed_total 12\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("\nntscada_stream_anomalies_total{severity=\"HIGH\"} 1\n"),
      std::string::npos);
  EXPECT_NE(text.find("\nntscada_stream_deadletters_total{reason=\"invalid_"
                      "json\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_stream_errors_total{kind=\"delivery\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_stream_delivery_errors_total{error=\"_MSG_"
                      "TIMED_OUT\"} 2\n"),
            std::string::npos);
}

TEST(StreamMetricsTest, ServingCountersFollowStats) {
  serving_stats stats;
  stats.reloads = 2;
  stats.rule_fallbacks = 1;
  metric_registry registry;
  add_serving_metrics(registry, stats);
  std::string text = registry.render();
  EXPECT_NE(text.find("\nntscada_stream_model_reloads_total 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nntscada_stream_model_fallbacks_total 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_stream_model_load_failures_total 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_stream_model_checks_total 0\n"),
            std::string::npos);
}

TEST(StreamMetricsTest, OneHelpAndTypePerFamily) {
  stream_stats stats;
  metric_registry registry;
  add_stream_metrics(registry, stats);
  auto counts = header_counts(registry.render());
  EXPECT_GE(counts.size(), 20u);
  for (const auto& [name, count] : counts) {
    EXPECT_EQ(count.first, 1) << name;
    EXPECT_EQ(count.second, 1) << name;
  }
}

TEST(StreamMetricsTest, ModelLabelsAreEscaped) {
  stream_stats stats;
  stats.set_model({"pres\"sure\\", "temp\nerature"});
  metric_registry registry;
  add_stream_metrics(registry, stats);
  EXPECT_NE(registry.render().find(
                "\nntscada_stream_model_info{model=\"pres\\\"sure\\\\\","
                "version=\"temp\\nerature\"} 1\n"),
            std::string::npos);
}

TEST(StreamMetricsTest, LagHasOneSeriesPerPartition) {
  stream_stats stats;
  ASSERT_TRUE(stats.consumer_statistics.update(R"({"brokers": {}, "topics": {
      "scada.sensors": {"partitions": {
        "0": {"partition": 0, "fetch_state": "active",
              "consumer_lag_stored": 4},
        "3": {"partition": 3, "fetch_state": "active",
              "consumer_lag_stored": 0}}}}})"));
  metric_registry registry;
  add_stream_metrics(registry, stats);
  std::string text = registry.render();
  EXPECT_NE(text.find("\nntscada_stream_consumer_lag_messages{topic=\"scada."
                      "sensors\",partition=\"0\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_stream_consumer_lag_messages{topic=\"scada."
                      "sensors\",partition=\"3\"} 0\n"),
            std::string::npos);
}

TEST(StreamMetricsTest, ReadinessNamesFailingCheck) {
  stream_stats stats;
  auto checks = stream_readiness_checks(stats);
  auto before = evaluate_readiness(checks);
  EXPECT_FALSE(before.ready);
  EXPECT_NE(before.json.find("\"kafka\":\"no librdkafka statistics yet"),
            std::string::npos)
      << before.json;
  EXPECT_NE(before.json.find("\"scorer\":\"no model"), std::string::npos)
      << before.json;

  stats.set_model(model_identity_from_detector("rules:default"));
  ASSERT_TRUE(stats.consumer_statistics.update(
      R"({"brokers": {"b/1": {"nodeid": 1, "source": "configured",
                              "state": "UP"}}})"));
  auto after = evaluate_readiness(checks);
  EXPECT_TRUE(after.ready) << after.json;
}

TEST(StreamMetricsTest, DetectorSplitsIntoModelAndVersion) {
  model_identity rules = model_identity_from_detector("rules:skab-1a2b3c4d");
  EXPECT_EQ(rules.name, "rules");
  EXPECT_EQ(rules.version, "skab-1a2b3c4d");
  model_identity bare = model_identity_from_detector("custom");
  EXPECT_EQ(bare.name, "custom");
  EXPECT_EQ(bare.version, "");
}

}  // namespace
}  // namespace ntscada
