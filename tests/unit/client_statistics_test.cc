#include "kafka/client_statistics.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

// Shaped like a librdkafka 2.0.2 consumer's statistics against the
// embedded broker, trimmed to the fields that are read, with cases added:
// a connected broker and a down one, a bootstrap entry, the group
// coordinator's logical entry, three fetched partitions (one never
// committed), the internal unassigned partition (-1) and a known but
// unassigned partition.
constexpr std::string_view kStatistics = R"({
  "name": "ntscada-stream#consumer-2", "type": "consumer",
  "brokers": {
    "127.0.0.1:44655/1": {"nodeid": 1, "source": "configured", "state": "UP"},
    "127.0.0.1:44656/2": {"nodeid": 2, "source": "learned", "state": "DOWN"},
    "127.0.0.1:44655/bootstrap": {"nodeid": -1, "source": "configured",
                                  "state": "UP"},
    "GroupCoordinator": {"nodeid": 1, "source": "logical", "state": "UP"}
  },
  "topics": {
    "scada.sensors": {"topic": "scada.sensors", "partitions": {
      "0": {"partition": 0, "fetch_state": "active", "hi_offset": 12,
            "stored_offset": 2, "committed_offset": 1, "consumer_lag": 11,
            "consumer_lag_stored": 10},
      "1": {"partition": 1, "fetch_state": "offset-query", "hi_offset": 5,
            "committed_offset": 5, "consumer_lag": 0},
      "2": {"partition": 2, "fetch_state": "none", "consumer_lag": -1,
            "consumer_lag_stored": -1},
      "3": {"partition": 3, "fetch_state": "active", "lo_offset": 4,
            "hi_offset": 9, "stored_offset": -1001,
            "committed_offset": -1001, "consumer_lag": -1,
            "consumer_lag_stored": -1},
      "-1": {"partition": -1, "fetch_state": "none", "consumer_lag": -1}
    }}
  }
})";

TEST(ClientStatisticsTest, CountsRealBrokersOnly) {
  client_statistics stats;
  EXPECT_FALSE(stats.received());
  ASSERT_TRUE(stats.update(kStatistics));
  EXPECT_TRUE(stats.received());
  EXPECT_EQ(stats.brokers_up(), 1);
  EXPECT_EQ(stats.brokers_known(), 2);
  EXPECT_TRUE(stats.last_update().has_value());
}

TEST(ClientStatisticsTest, ReportsLagOfFetchedPartitions) {
  client_statistics stats;
  ASSERT_TRUE(stats.update(kStatistics));
  auto lags = stats.partition_lags();
  ASSERT_EQ(lags.size(), 3u);
  EXPECT_EQ(lags[0].topic, "scada.sensors");
  EXPECT_EQ(lags[0].partition, 0);
  // Counted from the stored offset where librdkafka reports it.
  EXPECT_EQ(lags[0].messages, 10);
  EXPECT_EQ(lags[1].partition, 1);
  // Counted from the committed offset otherwise.
  EXPECT_EQ(lags[1].messages, 0);
  // Counted from the low watermark before any commit.
  EXPECT_EQ(lags[2].partition, 3);
  EXPECT_EQ(lags[2].messages, 5);
}

TEST(ClientStatisticsTest, InvalidJsonKeepsPreviousState) {
  client_statistics stats;
  ASSERT_TRUE(stats.update(kStatistics));
  auto updated = stats.update("{\"brokers\": ");
  ASSERT_FALSE(updated);
  EXPECT_NE(updated.error().find("librdkafka statistics"), std::string::npos);
  EXPECT_EQ(stats.brokers_up(), 1);
  EXPECT_EQ(stats.partition_lags().size(), 3u);
}

TEST(ClientStatisticsTest, LaterDocumentReplacesPartitions) {
  client_statistics stats;
  ASSERT_TRUE(stats.update(kStatistics));
  ASSERT_TRUE(stats.update(R"({"brokers": {}, "topics": {}})"));
  EXPECT_EQ(stats.brokers_up(), 0);
  EXPECT_TRUE(stats.partition_lags().empty());
}

}  // namespace
}  // namespace ntscada
