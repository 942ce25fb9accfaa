#include "monitoring/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace ntscada {
namespace {

TEST(HistogramTest, CountsEachValueInFirstBucketAtOrAbove) {
  const double bounds[] = {1.0, 2.0, 4.0};
  histogram h(bounds);
  for (double v : {0.0, 1.0, 1.5, 2.0, 3.0, 4.0, 100.0}) h.observe(v);
  histogram_snapshot s = h.snapshot();
  ASSERT_EQ(s.cumulative_counts.size(), 3u);
  EXPECT_EQ(s.cumulative_counts[0], 2u);
  EXPECT_EQ(s.cumulative_counts[1], 4u);
  EXPECT_EQ(s.cumulative_counts[2], 6u);
  EXPECT_EQ(s.count, 7u);
  EXPECT_DOUBLE_EQ(s.sum, 111.5);
}

TEST(HistogramTest, IgnoresNaN) {
  const double bounds[] = {1.0};
  histogram h(bounds);
  h.observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.snapshot().count, 0u);
  EXPECT_EQ(h.snapshot().sum, 0.0);
}

TEST(HistogramTest, RejectsUnsortedOrInfiniteBounds) {
  const double unsorted[] = {2.0, 1.0};
  const double repeated[] = {1.0, 1.0};
  const double infinite[] = {1.0, std::numeric_limits<double>::infinity()};
  EXPECT_THROW(histogram{unsorted}, std::invalid_argument);
  EXPECT_THROW(histogram{repeated}, std::invalid_argument);
  EXPECT_THROW(histogram{infinite}, std::invalid_argument);
  EXPECT_THROW(histogram{std::span<const double>()}, std::invalid_argument);
}

TEST(HistogramTest, ConcurrentObservationsAllCount) {
  histogram h(latency_buckets_seconds());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < kPerThread; ++i) h.observe(0.5);
    });
  }
  for (auto& thread : threads) thread.join();
  histogram_snapshot s = h.snapshot();
  EXPECT_EQ(s.count, std::uint64_t{kThreads} * kPerThread);
  EXPECT_DOUBLE_EQ(s.sum, 0.5 * kThreads * kPerThread);
}

TEST(HistogramTest, DefaultBucketSetsAreAscending) {
  for (auto bounds : {latency_buckets_seconds(), duration_buckets_seconds()}) {
    EXPECT_NO_THROW(histogram{bounds});
  }
}

}  // namespace
}  // namespace ntscada
