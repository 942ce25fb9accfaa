#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "history/reading_history.h"
#include "reading/reading.h"

namespace ntscada {

// A selection of readings to load: a half-open time range [start, end) and,
// when `sensor_ids` is not empty, only those sensors.
struct history_query {
  epoch_ns start = 0;
  epoch_ns end = 0;
  std::vector<std::string> sensor_ids;
};

// A source of reading history for training. Implementations: the embedded
// SQLite store and InfluxDB. Errors are returned as messages that
// name the store and what to do.
class history_source {
 public:
  virtual ~history_source() = default;

  // Loads the matching readings ordered by timestamp, ties in ingestion
  // order. An empty result is not an error here; the trainer decides.
  virtual result<reading_history, std::string> load(
      const history_query& query) = 0;
};

// A sink for reading history.
class history_sink {
 public:
  virtual ~history_sink() = default;

  // Appends `readings` in one transaction: either all are stored or none.
  virtual result<bool, std::string> append(
      std::span<const reading> readings) = 0;
};

}  // namespace ntscada
