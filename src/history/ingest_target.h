#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "history/history_store.h"
#include "reading/reading_parser.h"

namespace ntscada {

// The reason one Kafka message is not stored. `code` is fixed, never free
// text: a reject_reason code such as "invalid_json", or a target's own code
// such as "sensor_id_unrepresentable". It goes into the dead-letter header
// ntscada.reason.
struct ingest_rejection {
  std::string code;
  std::string detail;
};

// A failed write of a batch, and what the ingester does next.
struct ingest_write_error {
  enum class action {
    // A transient failure (connection, timeout, overload): the same batch
    // is written again after a back-off, with consumption paused.
    retry,
    // The store rejected the batch's content: its messages go to the
    // dead-letter topic and their offsets are committed. Without a
    // dead-letter topic the ingester stops instead.
    dead_letter,
    // The store rejects every batch until its configuration changes (such
    // as wrong credentials): the ingester stops without committing.
    stop,
  };

  action next = action::retry;
  std::string message;
  // The dead-letter reason code for action::dead_letter.
  std::string code;
  // How long the store asked the client to wait (HTTP Retry-After).
  std::optional<std::chrono::milliseconds> retry_after;
};

// The destination of history_ingester. It decodes each consumed message
// into a pending batch and writes the batch on request. The ingester calls it
// from one thread only.
class ingest_target {
 public:
  virtual ~ingest_target() = default;

  // Decodes one message into the pending batch, or returns why it cannot
  // be stored; a rejected message does not join the batch.
  virtual std::optional<ingest_rejection> add(std::string_view message,
                                              epoch_ns now) = 0;
  // Records in the pending batch.
  virtual std::size_t size() const = 0;
  // True when the batch reached a limit of the target's own, such as a
  // byte size, and should be written now.
  virtual bool full() const { return false; }
  // Writes the pending batch and clears it on success. On failure the
  // batch stays pending, so it can be written again or cleared.
  virtual result<bool, ingest_write_error> write() = 0;
  // Drops the pending batch unwritten.
  virtual void clear() = 0;
  // Names the destination for logs, without secrets.
  virtual std::string describe() const = 0;
};

// Parses messages as readings (the `scada.sensors` format) and appends each
// batch to a history_sink in one call. Every failed append is retried,
// because history_sink reports no kind of failure.
class sink_ingest_target final : public ingest_target {
 public:
  sink_ingest_target(history_sink& sink, reading_parser_options parser,
                     std::string description);

  std::optional<ingest_rejection> add(std::string_view message,
                                      epoch_ns now) override;
  std::size_t size() const override { return batch_.size(); }
  result<bool, ingest_write_error> write() override;
  void clear() override { batch_.clear(); }
  std::string describe() const override { return description_; }

 private:
  history_sink& sink_;
  reading_parser parser_;
  std::string description_;
  std::vector<reading> batch_;
};

}  // namespace ntscada
