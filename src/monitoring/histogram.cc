#include "monitoring/histogram.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace ntscada {
namespace {

constexpr std::array kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,   0.25,   0.5,   1.0,  2.5,   5.0,
                                        10.0,  30.0,   60.0,  300.0};

constexpr std::array kDurationBuckets = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
    0.01,    0.025,    0.05,    0.1,    0.25,    0.5,    1.0,   2.5,    10.0};

}  // namespace

histogram::histogram(std::span<const double> upper_bounds)
    : upper_bounds_(upper_bounds.begin(), upper_bounds.end()),
      counts_(new std::atomic<std::uint64_t>[upper_bounds.size() + 1]) {
  if (upper_bounds_.empty()) {
    throw std::invalid_argument("a histogram needs at least one bucket");
  }
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (!std::isfinite(upper_bounds_[i]) ||
        (i > 0 && upper_bounds_[i] <= upper_bounds_[i - 1])) {
      throw std::invalid_argument(
          "histogram bucket bounds must be finite and strictly ascending");
    }
  }
  for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) counts_[i] = 0;
}

void histogram::observe(double value) {
  if (std::isnan(value)) return;
  auto bucket =
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
      upper_bounds_.begin();
  counts_[static_cast<std::size_t>(bucket)].fetch_add(
      1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

histogram_snapshot histogram::snapshot() const {
  histogram_snapshot out;
  out.upper_bounds = upper_bounds_;
  out.cumulative_counts.reserve(upper_bounds_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out.cumulative_counts.push_back(running);
  }
  running += counts_[upper_bounds_.size()].load(std::memory_order_relaxed);
  out.count = running;
  out.sum = sum_.load(std::memory_order_relaxed);
  return out;
}

std::span<const double> latency_buckets_seconds() { return kLatencyBuckets; }

std::span<const double> duration_buckets_seconds() { return kDurationBuckets; }

}  // namespace ntscada
