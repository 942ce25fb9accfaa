#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "features/feature_schema.h"
#include "features/reference_statistics.h"
#include "history/reading_history.h"

namespace ntscada {

// Computes feature vectors one reading at a time, keeping per-sensor rolling
// windows and per-asset latest values. This is the single definition of the
// features: the batch path (extract_features) runs the same code over a
// whole history. Readings of each sensor must arrive in time order. Not
// thread-safe; the reference statistics must outlive the extractor.
class feature_extractor {
 public:
  explicit feature_extractor(const reference_statistics& statistics);

  // Returns the slot of a sensor, registering it on first use.
  std::uint32_t intern(const sensor_info& sensor);

  // Writes the features of the next reading of the sensor in `slot` into
  // `out` (feature_count floats) and adds the reading to the state.
  void extract(std::uint32_t slot, epoch_ns timestamp, double value,
               std::span<float> out);

  // Readings seen for the sensor in `slot`, capped at the largest window.
  std::size_t window_size(std::uint32_t slot) const;

  // Switches to `statistics` (which must outlive the extractor), keeping
  // every sensor's window of raw values, so a new model needs no warm-up.
  // The asset context keeps the latest z of each sensor under the old
  // statistics until that sensor's next reading.
  void rebind(const reference_statistics& statistics);

 private:
  static constexpr std::size_t kWindow = rolling_windows.back();
  static constexpr std::size_t kNoType = featured_sensor_types.size();

  struct sensor_state {
    std::string sensor_id;
    std::string sensor_type;
    const value_statistics* statistics = nullptr;
    std::uint32_t asset = 0;
    std::size_t type = kNoType;
    std::array<double, kWindow> window{};  // ring buffer of raw values
    std::size_t next = 0;                  // ring position of the next value
    std::size_t count = 0;                 // values held, at most kWindow
  };
  struct asset_member {
    std::uint32_t sensor;
    std::size_t type;
    double latest_z;
  };

  const reference_statistics* statistics_;
  std::unordered_map<std::string, std::uint32_t> slots_;
  std::vector<sensor_state> sensors_;
  std::unordered_map<std::string, std::uint32_t> asset_slots_;
  std::vector<std::vector<asset_member>> assets_;  // index 0: no asset
};

// The batch path: features of every row of `history`, row-major, in a
// matrix of history.size() * feature_count floats.
std::vector<float> extract_features(const reading_history& history,
                                    const reference_statistics& statistics);

}  // namespace ntscada
