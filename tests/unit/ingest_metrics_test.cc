#include "history/ingest_metrics.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

TEST(IngestMetricsTest, CountersFollowStats) {
  ingest_stats stats;
  metric_registry registry;
  add_ingest_metrics(registry, stats);
  stats.consumed += 30;
  stats.stored += 25;
  stats.invalid += 5;
  stats.batches += 2;
  stats.store_failures += 3;
  std::string text = registry.render();
  EXPECT_NE(text.find("\nntscada_ingest_messages_consumed_total 30\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_ingest_readings_stored_total 25\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_ingest_invalid_messages_total 5\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_ingest_batches_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("\nntscada_ingest_errors_total{kind=\"store\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nntscada_ingest_store_failing 0\n"), std::string::npos);
  EXPECT_NE(text.find("\nntscada_ingest_kafka_brokers_up 0\n"),
            std::string::npos);
}

TEST(IngestMetricsTest, StoreCheckFollowsLastWrite) {
  ingest_stats stats;
  ASSERT_TRUE(stats.consumer_statistics.update(
      R"({"brokers": {"b/1": {"nodeid": 1, "source": "configured",
                              "state": "UP"}}})"));
  auto checks = ingest_readiness_checks(stats);
  EXPECT_TRUE(evaluate_readiness(checks).ready);

  stats.store_failing = true;
  auto failing = evaluate_readiness(checks);
  EXPECT_FALSE(failing.ready);
  EXPECT_NE(failing.json.find("\"store\":\"the last write to the history "
                              "store failed"),
            std::string::npos)
      << failing.json;
  EXPECT_NE(failing.json.find("\"kafka\":\"ok\""), std::string::npos)
      << failing.json;
}

}  // namespace
}  // namespace ntscada
