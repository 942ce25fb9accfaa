#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ntscada {

// A histogram's state at one moment, as the exposition format writes it.
struct histogram_snapshot {
  // Upper bounds of the finite buckets, ascending; the +Inf bucket is
  // implicit.
  std::vector<double> upper_bounds;
  // Observations less than or equal to each upper bound (cumulative), one
  // entry per finite bucket.
  std::vector<std::uint64_t> cumulative_counts;
  std::uint64_t count = 0;
  double sum = 0;
};

// A histogram with fixed bucket bounds, as Prometheus client libraries
// keep them. observe() is lock-free and may be called from any thread;
// snapshot() may run concurrently with it. A snapshot's count always
// equals its +Inf bucket, but it may miss a sum or bucket increment that
// happened during the snapshot, which the next scrape includes.
class histogram {
 public:
  // `upper_bounds` must be finite, strictly ascending and non-empty;
  // otherwise throws std::invalid_argument.
  explicit histogram(std::span<const double> upper_bounds);

  // Counts `value` in the first bucket whose bound is >= value. NaN is
  // ignored, because it would poison the sum.
  void observe(double value);

  histogram_snapshot snapshot() const;

 private:
  std::vector<double> upper_bounds_;
  // One counter per finite bucket plus one for +Inf, not cumulative.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Bucket bounds in seconds for end-to-end latencies, from 1 ms to 5 min.
std::span<const double> latency_buckets_seconds();

// Bucket bounds in seconds for in-process work such as scoring a batch,
// from 10 us to 10 s.
std::span<const double> duration_buckets_seconds();

}  // namespace ntscada
