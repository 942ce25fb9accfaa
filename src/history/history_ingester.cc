#include "history/history_ingester.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "common/logging.h"
#include "reading/timestamp.h"

namespace ntscada {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = module_logger("ingest");
  return instance;
}

log_rate_limiter& invalid_message_limiter() {
  static log_rate_limiter limiter;
  return limiter;
}

log_rate_limiter& consumer_error_limiter() {
  static log_rate_limiter limiter;
  return limiter;
}

std::string partition_names(const rd_kafka_topic_partition_list_t* list) {
  std::string names;
  for (int i = 0; i < list->cnt; ++i) {
    fmt::format_to(std::back_inserter(names), "{}{}/{}", i ? "," : "",
                   list->elems[i].topic, list->elems[i].partition);
  }
  return names;
}

}  // namespace

result<std::unique_ptr<history_ingester>, std::string> history_ingester::create(
    ingest_options options, history_sink& sink) {
  if (options.batch_rows == 0) {
    return failure{std::string(
        "ingest batch size is 0 rows; pass at least 1 row per batch")};
  }
  std::unique_ptr<history_ingester> ingester(
      new history_ingester(std::move(options), sink));
  auto connected = ingester->connect();
  if (!connected) return failure{connected.error()};
  return ingester;
}

history_ingester::history_ingester(ingest_options options, history_sink& sink)
    : options_(std::move(options)), sink_(sink), parser_(options_.parser) {}

history_ingester::~history_ingester() { consumer_.reset(); }

result<bool, std::string> history_ingester::connect() {
  kafka_properties properties{
      {"bootstrap.servers", options_.brokers},
      {"client.id", "ntscada-ingest"},
      {"group.id", options_.group_id},
      // The ingester commits explicit offsets after each stored batch.
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      // Feeds broker state and partition lag to the metrics endpoint.
      {"statistics.interval.ms", "5000"},
  };
  properties.insert(properties.end(), options_.consumer_properties.begin(),
                    options_.consumer_properties.end());
  auto conf = make_kafka_conf(properties);
  if (!conf) return failure{conf.error()};
  rd_kafka_conf_set_opaque(conf.value().get(), this);
  rd_kafka_conf_set_rebalance_cb(conf.value().get(), rebalance_callback);
  rd_kafka_conf_set_stats_cb(conf.value().get(), statistics_callback);

  char error[512];
  consumer_.reset(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf.value().get(), error, sizeof error));
  if (!consumer_) {
    return failure{fmt::format("cannot create consumer: {}", error)};
  }
  conf.value().release();
  rd_kafka_poll_set_consumer(consumer_.get());

  partition_list_ptr topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), options_.topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  if (auto err = rd_kafka_subscribe(consumer_.get(), topics.get())) {
    return failure{fmt::format("cannot subscribe to {}: {}", options_.topic,
                               rd_kafka_err2str(err))};
  }
  return true;
}

int history_ingester::run(const std::atomic<bool>& stop) {
  logger()->info(
      "started brokers={} group={} input={} batch_rows={} "
      "batch_ms={}",
      options_.brokers, options_.group_id, options_.topic, options_.batch_rows,
      options_.batch_interval.count());
  while (!stop.load() && !fatal_ && !unstored_) {
    auto timeout = options_.poll_timeout;
    if (!offsets_.empty()) {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          batch_started_ + options_.batch_interval -
          std::chrono::steady_clock::now());
      timeout = std::clamp(remaining, std::chrono::milliseconds(0), timeout);
    }
    rd_kafka_message_t* message = rd_kafka_consumer_poll(
        consumer_.get(), static_cast<int>(timeout.count()));
    if (message != nullptr) {
      handle_message(message);
      rd_kafka_message_destroy(message);
    }
    if (batch_due()) flush(stop);
  }

  logger()->info("stopping: writing {} readings and committing {} partitions",
                 batch_.size(), offsets_.size());
  if (!fatal_ && !unstored_ && !offsets_.empty()) flush(stop);
  if (fatal_ || unstored_) {
    // Nothing more may be stored: the offsets stay uncommitted and the
    // messages are consumed again on the next run.
    batch_.clear();
    offsets_.clear();
  }
  rd_kafka_consumer_close(consumer_.get());

  int code = fatal_      ? kIngestExitFatal
             : unstored_ ? kIngestExitUnstored
                         : kIngestExitClean;
  logger()->info(
      "stopped consumed={} stored={} invalid={} batches={} "
      "store_failures={} commit_failures={} exit={}",
      stats_.consumed.load(), stats_.stored.load(), stats_.invalid.load(),
      stats_.batches.load(), stats_.store_failures.load(),
      stats_.commit_failures.load(), code);
  return code;
}

void history_ingester::handle_message(const rd_kafka_message_t* message) {
  if (message->err) {
    handle_consumer_error(message);
    return;
  }
  ++stats_.consumed;
  if (offsets_.empty()) batch_started_ = std::chrono::steady_clock::now();
  partition_key key{rd_kafka_topic_name(message->rkt), message->partition};
  auto [range, inserted] = offsets_.try_emplace(
      key, offset_range{message->offset, message->offset + 1});
  if (!inserted) range->second.next = message->offset + 1;

  std::string_view bytes(static_cast<const char*>(message->payload),
                         message->len);
  auto parsed = parser_.parse(bytes, wall_clock_now());
  if (parsed) {
    batch_.push_back(std::move(parsed.value()));
    return;
  }
  ++stats_.invalid;
  std::uint64_t suppressed = 0;
  if (invalid_message_limiter().allow(suppressed)) {
    logger()->warn(
        "invalid message not stored topic={} partition={} offset={} "
        "reason={} detail={} ({} similar suppressed)",
        key.first, key.second, message->offset, to_code(parsed.error().reason),
        parsed.error().detail, suppressed);
  }
}

bool history_ingester::batch_due() const {
  if (offsets_.empty()) return false;
  return batch_.size() >= options_.batch_rows ||
         std::chrono::steady_clock::now() - batch_started_ >=
             options_.batch_interval;
}

bool history_ingester::flush(const std::atomic<bool>& stop) {
  if (!batch_.empty() && !append_with_retry(stop)) return false;
  commit();
  return true;
}

bool history_ingester::append_with_retry(const std::atomic<bool>& stop) {
  auto backoff = options_.retry_backoff;
  batch_discarded_ = false;
  for (int attempt = 1;; ++attempt) {
    auto appended = sink_.append(batch_);
    if (appended) break;
    ++stats_.store_failures;
    stats_.store_failing = true;

    auto now = std::chrono::steady_clock::now();
    if (stop.load() && !shutdown_deadline_) {
      shutdown_deadline_ = now + options_.shutdown_timeout;
    }
    if (shutdown_deadline_ && now >= *shutdown_deadline_) {
      logger()->error(
          "gave up storing {} readings after {} attempts at shutdown: {}; "
          "their offsets are not committed, so they are consumed again on "
          "the next run",
          batch_.size(), attempt, appended.error());
      unstored_ = true;
      retrying_ = false;
      return false;
    }
    logger()->error(
        "storing {} readings failed (attempt {}): {}; offsets not "
        "committed, retrying in {} ms",
        batch_.size(), attempt, appended.error(), backoff.count());

    // Pause fetching, but keep polling so that the consumer stays in its
    // group and serves rebalances. Messages fetched before the pause join
    // the batch.
    retrying_ = true;
    if (!paused_) set_paused(true);
    auto retry_at = now + backoff;
    if (shutdown_deadline_) retry_at = std::min(retry_at, *shutdown_deadline_);
    while (std::chrono::steady_clock::now() < retry_at) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          retry_at - std::chrono::steady_clock::now());
      rd_kafka_message_t* message = rd_kafka_consumer_poll(
          consumer_.get(),
          static_cast<int>(
              std::clamp(wait.count(), std::int64_t{0}, std::int64_t{100})));
      if (message != nullptr) {
        handle_message(message);
        rd_kafka_message_destroy(message);
      }
      if (batch_discarded_) {
        retrying_ = false;
        if (paused_) set_paused(false);
        return false;
      }
    }
    backoff = std::min(backoff * 2, options_.max_retry_backoff);
  }

  retrying_ = false;
  if (paused_) set_paused(false);
  stats_.stored += batch_.size();
  ++stats_.batches;
  stats_.store_failing = false;
  batch_.clear();
  return true;
}

void history_ingester::commit() {
  if (offsets_.empty()) return;
  partition_list_ptr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets_.size())));
  for (const auto& [key, range] : offsets_) {
    rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)
        ->offset = range.next;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), 0);
  for (int i = 0; i < list->cnt && !err; ++i) err = list->elems[i].err;
  if (err) {
    // The offsets stay pending and are committed with the next batch.
    ++stats_.commit_failures;
    batch_started_ = std::chrono::steady_clock::now();
    logger()->warn(
        "committing offsets failed for [{}]: {}; trying again with the next "
        "batch. Stored readings of uncommitted offsets are stored again if "
        "their partition is consumed again",
        partition_names(list.get()), rd_kafka_err2str(err));
    return;
  }
  logger()->debug("committed [{}]", partition_names(list.get()));
  offsets_.clear();
}

void history_ingester::discard_batch(const char* reason) {
  logger()->warn(
      "discarding {} unstored readings ({}); their offsets are not "
      "committed, so they are consumed again",
      batch_.size(), reason);
  // Partitions still assigned have fetched past the batch: move them back
  // to the batch's first offset.
  if (!offsets_.empty()) {
    partition_list_ptr list(
        rd_kafka_topic_partition_list_new(static_cast<int>(offsets_.size())));
    for (const auto& [key, range] : offsets_) {
      rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(),
                                        key.second)
          ->offset = range.first;
    }
    rd_kafka_error_t* error =
        rd_kafka_seek_partitions(consumer_.get(), list.get(), 0);
    if (error != nullptr) {
      logger()->error("seeking back [{}] failed: {}",
                      partition_names(list.get()),
                      rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
  }
  batch_.clear();
  offsets_.clear();
  batch_discarded_ = true;
}

void history_ingester::set_paused(bool paused) {
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_assignment(consumer_.get(), &assigned);
  if (err) {
    logger()->warn("reading the assignment failed: {}", rd_kafka_err2str(err));
    return;
  }
  partition_list_ptr list(assigned);
  err = paused ? rd_kafka_pause_partitions(consumer_.get(), list.get())
               : rd_kafka_resume_partitions(consumer_.get(), list.get());
  if (err) {
    logger()->warn("{} partitions [{}] failed: {}",
                   paused ? "pausing" : "resuming", partition_names(list.get()),
                   rd_kafka_err2str(err));
  }
  paused_ = paused;
}

void history_ingester::rebalance_callback(
    rd_kafka_t*, rd_kafka_resp_err_t event,
    rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<history_ingester*>(opaque)->on_rebalance(event, partitions);
}

int history_ingester::statistics_callback(rd_kafka_t*, char* json, size_t size,
                                          void* opaque) {
  auto* ingester = static_cast<history_ingester*>(opaque);
  auto updated =
      ingester->stats_.consumer_statistics.update(std::string_view(json, size));
  if (!updated) logger()->warn("{}", updated.error());
  return 0;  // librdkafka frees the JSON text
}

void history_ingester::on_rebalance(
    rd_kafka_resp_err_t event, rd_kafka_topic_partition_list_t* partitions) {
  bool cooperative =
      std::string_view(rd_kafka_rebalance_protocol(consumer_.get())) ==
      "COOPERATIVE";
  std::string names = partition_names(partitions);

  if (event == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    logger()->info("assigned partitions=[{}]", names);
    if (cooperative) {
      rd_kafka_error_t* error =
          rd_kafka_incremental_assign(consumer_.get(), partitions);
      if (error != nullptr) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(consumer_.get(), partitions);
    }
    // New partitions stay paused while a failing batch is retried.
    if (paused_) rd_kafka_pause_partitions(consumer_.get(), partitions);
    return;
  }

  // Revocation: store and commit what was consumed, so the next owner
  // starts right after it. One attempt only, because the group waits.
  logger()->info("revoking partitions=[{}] after writing {} readings", names,
                 batch_.size());
  if (retrying_) {
    for (int i = 0; i < partitions->cnt; ++i) {
      offsets_.erase(
          {partitions->elems[i].topic, partitions->elems[i].partition});
    }
    discard_batch("the store is failing and partitions are revoked");
  } else if (!batch_.empty()) {
    auto appended = sink_.append(batch_);
    if (appended) {
      stats_.stored += batch_.size();
      ++stats_.batches;
      stats_.store_failing = false;
      batch_.clear();
      commit();
    } else {
      ++stats_.store_failures;
      stats_.store_failing = true;
      logger()->error("storing {} readings before revocation failed: {}",
                      batch_.size(), appended.error());
      for (int i = 0; i < partitions->cnt; ++i) {
        offsets_.erase(
            {partitions->elems[i].topic, partitions->elems[i].partition});
      }
      discard_batch("the store failed before revocation");
    }
  } else {
    commit();
  }
  for (int i = 0; i < partitions->cnt; ++i) {
    offsets_.erase(
        {partitions->elems[i].topic, partitions->elems[i].partition});
  }

  if (cooperative) {
    rd_kafka_error_t* error =
        rd_kafka_incremental_unassign(consumer_.get(), partitions);
    if (error != nullptr) rd_kafka_error_destroy(error);
  } else {
    rd_kafka_assign(consumer_.get(), nullptr);
  }
}

void history_ingester::handle_consumer_error(
    const rd_kafka_message_t* message) {
  if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
  if (message->err == RD_KAFKA_RESP_ERR__FATAL) {
    char reason[512];
    rd_kafka_fatal_error(consumer_.get(), reason, sizeof reason);
    logger()->error(
        "fatal consumer error: {}; stopping without storing the "
        "current batch",
        reason);
    fatal_ = true;
    return;
  }
  ++stats_.consumer_errors;
  std::uint64_t suppressed = 0;
  if (consumer_error_limiter().allow(suppressed)) {
    logger()->warn(
        "consumer error topic={} partition={}: {} ({} similar suppressed)",
        message->rkt ? rd_kafka_topic_name(message->rkt) : "-",
        message->partition, rd_kafka_message_errstr(message), suppressed);
  }
}

}  // namespace ntscada
