#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "history/history_store.h"
#include "influx/influx_client.h"
#include "influx/influx_schema.h"

namespace ntscada {

struct influx_store_options {
  influx_schema schema;
  // Line protocol bytes sent in one write request at most; a longer batch
  // goes out in several requests. InfluxDB 1.x rejects bodies above its
  // max-body-size (25 MB by default) with 413.
  std::size_t max_request_bytes = 1024 * 1024;
};

// Reading history in InfluxDB, one point per reading in the readings
// measurement (see influx_schema.h and docs/influxdb.md).
//
// Differences from the SQLite store:
// - A point is identified by its measurement, tags and timestamp, so a
//   reading stored twice (at-least-once delivery) is kept once, with the
//   values of the last write.
// - An append that fails after its first request may have stored a prefix
//   of the readings. Appending them again overwrites those points with the
//   same values, so a retry leaves no duplicates.
// - load() returns readings with equal timestamps ordered by sensor id,
//   because InfluxDB does not keep the order of ingestion. The SQLite store
//   returns them in ingestion order. Both agree when readings of one
//   instant are ingested in sensor id order, as `ntscada import` does for
//   SKAB files.
//
// Thread safety: one instance must not be used by two threads at once.
class influx_history_store final : public history_source, public history_sink {
 public:
  static result<std::unique_ptr<influx_history_store>, std::string> create(
      influx_config config, influx_store_options options = {});

  // Loads the readings with start <= time < end with InfluxQL in chunks:
  // first the count (to size the columns), then the rows, parsed as they
  // arrive. Memory beyond the returned history is about one chunk
  // (influx_config::query_chunk_size rows).
  result<reading_history, std::string> load(
      const history_query& query) override;

  // Writes `readings` as line protocol. Fails without sending anything
  // when a reading cannot be represented, such as a sensor id that ends
  // with a backslash. The class comment describes partial failures.
  result<bool, std::string> append(std::span<const reading> readings) override;

  // Sends complete lines in requests of at most max_request_bytes, split at
  // line ends. Stops at the first failed request.
  result<bool, influx_error> write_lines(std::string_view lines);

  influx_client& client() { return *client_; }
  const influx_store_options& options() const { return options_; }

 private:
  influx_history_store(std::unique_ptr<influx_client> client,
                       influx_store_options options);
  std::string where_clause(const history_query& query) const;
  result<std::size_t, std::string> count(const std::string& where);

  std::unique_ptr<influx_client> client_;
  influx_store_options options_;
};

}  // namespace ntscada
