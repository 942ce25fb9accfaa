#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "history/ingest_target.h"
#include "influx/influx_history_store.h"
#include "reading/reading_parser.h"

namespace ntscada {

// The kind of Kafka record that an ingester writes to InfluxDB.
enum class influx_record_kind {
  // Readings of `scada.sensors`, into the readings measurement.
  readings,
  // Results of `scada.processed`, into the results measurement.
  results,
};

// The line of a batch that InfluxDB rejected, as far as its message shows.
struct offending_line {
  std::string_view line;  // without its line feed
  // False when the message names no line and `line` is the batch's first.
  bool identified = false;
};

// Finds the line that a write error refers to. That is the quoted line of
// "unable to parse '...': ...", or for a field type conflict the first line
// of the measurement and field named by "input field \"F\" on measurement
// \"M\"". Otherwise it is the first line of `lines`.
offending_line find_offending_line(std::string_view lines,
                                   std::string_view message);

// Turns consumed messages into line protocol for history_ingester and
// writes each batch to InfluxDB through an influx_history_store.
//
// Rejected messages: readings that fail validation keep the parser's code.
// Records of `scada.processed` that cannot be parsed get
// "invalid_result_record". Points with a string that line protocol cannot
// carry get "<element>_unrepresentable" (see line_builder).
//
// Write errors: transport errors, 408, 429 and 5xx are retried, with the
// server's Retry-After; 401, 403 and 404 (wrong credentials, unknown
// database or bucket) stop the ingester; other 4xx answers reject the
// batch with code "influxdb_rejected" and a message that quotes the server
// and the first offending line.
class influx_ingest_target final : public ingest_target {
 public:
  // `max_batch_bytes` of line protocol make the batch full. The store must
  // outlive the target.
  influx_ingest_target(influx_history_store& store, influx_record_kind kind,
                       reading_parser_options parser,
                       std::size_t max_batch_bytes);

  std::optional<ingest_rejection> add(std::string_view message,
                                      epoch_ns now) override;
  std::size_t size() const override { return points_; }
  bool full() const override { return lines_.size() >= max_batch_bytes_; }
  result<bool, ingest_write_error> write() override;
  void clear() override;
  std::string describe() const override;

 private:
  influx_history_store& store_;
  influx_record_kind kind_;
  reading_parser parser_;
  std::size_t max_batch_bytes_;
  std::string lines_;
  std::size_t points_ = 0;
};

}  // namespace ntscada
