#include "history/ingest_target.h"

namespace ntscada {

sink_ingest_target::sink_ingest_target(history_sink& sink,
                                       reading_parser_options parser,
                                       std::string description)
    : sink_(sink),
      parser_(std::move(parser)),
      description_(std::move(description)) {}

std::optional<ingest_rejection> sink_ingest_target::add(
    std::string_view message, epoch_ns now) {
  auto parsed = parser_.parse(message, now);
  if (!parsed) {
    return ingest_rejection{std::string(to_code(parsed.error().reason)),
                            std::move(parsed.error().detail)};
  }
  batch_.push_back(std::move(parsed.value()));
  return std::nullopt;
}

result<bool, ingest_write_error> sink_ingest_target::write() {
  auto appended = sink_.append(batch_);
  if (!appended) {
    ingest_write_error failed;
    failed.message = std::move(appended.error());
    return failure{std::move(failed)};
  }
  batch_.clear();
  return true;
}

}  // namespace ntscada
