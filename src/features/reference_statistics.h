#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "history/reading_history.h"

namespace ntscada {

// Summary statistics of one sensor's values over a training window, in the
// sensor's canonical unit. Standard deviation, skewness and excess kurtosis
// are population statistics (divisor n).
struct value_statistics {
  double mean = 0;
  double standard_deviation = 1;
  double minimum = 0;
  double maximum = 0;
  double median = 0;
  double skewness = 0;
  double kurtosis = 0;
  std::uint64_t count = 0;

  // Standard deviation used for scaling: the sample's, or 1 when it is 0 or
  // not finite, so a constant sensor scales like an identity.
  double scale() const;
};

// Computes the statistics of `values`. An empty span gives count 0 and the
// identity scaling (mean 0, deviation 1).
value_statistics compute_statistics(std::span<const double> values);

// Reference statistics per sensor id and per sensor type, computed on a
// training window and stored with a model, so one model can serve sensors
// with different units: features are expressed in each sensor's own
// standard deviations.
class reference_statistics {
 public:
  // Computes statistics per sensor and per type over rows [begin, end) of
  // `history`.
  static reference_statistics compute(const reading_history& history,
                                      std::size_t begin, std::size_t end);

  // The statistics of `sensor_id`, else of `sensor_type`, else identity
  // statistics (mean 0, deviation 1) for a type never seen in training.
  const value_statistics& find(std::string_view sensor_id,
                               std::string_view sensor_type) const;

  void set_sensor(std::string sensor_id, value_statistics statistics);
  void set_type(std::string sensor_type, value_statistics statistics);

  const std::unordered_map<std::string, value_statistics>& by_sensor() const {
    return by_sensor_;
  }
  const std::unordered_map<std::string, value_statistics>& by_type() const {
    return by_type_;
  }

 private:
  std::unordered_map<std::string, value_statistics> by_sensor_;
  std::unordered_map<std::string, value_statistics> by_type_;
};

}  // namespace ntscada
