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
  auto target = std::make_unique<sink_ingest_target>(sink, options.parser,
                                                     "the history sink");
  auto created = create(std::move(options), *target);
  if (created) created.value()->owned_target_ = std::move(target);
  return created;
}

result<std::unique_ptr<history_ingester>, std::string> history_ingester::create(
    ingest_options options, ingest_target& target) {
  if (options.batch_rows == 0) {
    return failure{std::string(
        "ingest batch size is 0 rows; pass at least 1 row per batch")};
  }
  std::unique_ptr<history_ingester> ingester(
      new history_ingester(std::move(options), target));
  auto connected = ingester->connect();
  if (!connected) return failure{connected.error()};
  if (!ingester->options_.deadletter_topic.empty()) {
    auto producer = ingester->connect_producer();
    if (!producer) return failure{producer.error()};
  }
  return ingester;
}

history_ingester::history_ingester(ingest_options options,
                                   ingest_target& target)
    : options_(std::move(options)), target_(target) {}

history_ingester::~history_ingester() {
  consumer_.reset();
  producer_.reset();
}

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

result<bool, std::string> history_ingester::connect_producer() {
  kafka_properties properties{
      {"bootstrap.servers", options_.brokers},
      {"client.id", "ntscada-ingest-deadletter"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"message.timeout.ms",
       std::to_string(options_.deadletter_timeout.count())},
  };
  properties.insert(properties.end(), options_.producer_properties.begin(),
                    options_.producer_properties.end());
  auto conf = make_kafka_conf(properties);
  if (!conf) return failure{conf.error()};
  rd_kafka_conf_set_opaque(conf.value().get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf.value().get(), delivery_callback);
  char error[512];
  producer_.reset(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf.value().get(), error, sizeof error));
  if (!producer_) {
    return failure{
        fmt::format("cannot create dead-letter producer: {}", error)};
  }
  conf.value().release();
  return true;
}

int history_ingester::run(const std::atomic<bool>& stop) {
  logger()->info(
      "started brokers={} group={} input={} output=[{}] deadletter={} "
      "batch_rows={} batch_ms={}",
      options_.brokers, options_.group_id, options_.topic, target_.describe(),
      options_.deadletter_topic.empty() ? "-" : options_.deadletter_topic,
      options_.batch_rows, options_.batch_interval.count());
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

  logger()->info("stopping: writing {} records and committing {} partitions",
                 target_.size(), offsets_.size());
  if (!fatal_ && !unstored_ && !offsets_.empty()) flush(stop);
  if (fatal_ || unstored_) {
    // Nothing more may be stored: the offsets stay uncommitted and the
    // messages are consumed again on the next run.
    target_.clear();
    batch_messages_.clear();
    deadletters_.clear();
    offsets_.clear();
  }
  if (producer_) rd_kafka_flush(producer_.get(), 0);
  rd_kafka_consumer_close(consumer_.get());

  int code = fatal_      ? kIngestExitFatal
             : unstored_ ? kIngestExitUnstored
                         : kIngestExitClean;
  logger()->info(
      "stopped consumed={} stored={} invalid={} deadlettered={} batches={} "
      "rejected_batches={} store_failures={} commit_failures={} exit={}",
      stats_.consumed.load(), stats_.stored.load(), stats_.invalid.load(),
      stats_.deadlettered.load(), stats_.batches.load(),
      stats_.rejected_batches.load(), stats_.store_failures.load(),
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
  auto rejected = target_.add(bytes, wall_clock_now());
  consumed_message consumed;
  if (!options_.deadletter_topic.empty()) {
    if (message->key != nullptr) {
      consumed.key.assign(static_cast<const char*>(message->key),
                          message->key_len);
    }
    consumed.payload.assign(bytes);
    consumed.topic = key.first;
    consumed.partition = key.second;
    consumed.offset = message->offset;
  }
  if (!rejected) {
    if (!options_.deadletter_topic.empty()) {
      batch_messages_.push_back(std::move(consumed));
    }
    return;
  }
  ++stats_.invalid;
  std::uint64_t suppressed = 0;
  if (invalid_message_limiter().allow(suppressed)) {
    logger()->warn(
        "message not stored topic={} partition={} offset={} reason={} "
        "detail={}{} ({} similar suppressed)",
        key.first, key.second, message->offset, rejected->code,
        rejected->detail,
        options_.deadletter_topic.empty() ? "" : "; dead-lettering it",
        suppressed);
  }
  if (!options_.deadletter_topic.empty()) {
    deadletters_.push_back(dead_letter{std::move(consumed),
                                       std::move(rejected->code),
                                       std::move(rejected->detail)});
  }
}

bool history_ingester::batch_due() const {
  if (offsets_.empty()) return false;
  return target_.size() >= options_.batch_rows || target_.full() ||
         std::chrono::steady_clock::now() - batch_started_ >=
             options_.batch_interval;
}

bool history_ingester::flush(const std::atomic<bool>& stop) {
  if (target_.size() > 0 &&
      !retry_until_done(stop, "writing", target_.describe(),
                        [this] { return write_batch(); })) {
    return false;
  }
  if (!deadletters_.empty() &&
      !retry_until_done(stop, "dead-lettering", options_.deadletter_topic,
                        [this] { return deliver_deadletters(); })) {
    return false;
  }
  commit();
  return true;
}

history_ingester::attempt history_ingester::write_batch() {
  std::size_t records = target_.size();
  auto written = target_.write();
  if (written) {
    stats_.stored += records;
    ++stats_.batches;
    stats_.store_failing = false;
    batch_messages_.clear();
    return {};
  }
  ++stats_.store_failures;
  stats_.store_failing = true;
  ingest_write_error& error = written.error();
  switch (error.next) {
    case ingest_write_error::action::retry:
      return {attempt::outcome::retry, std::move(error.message),
              error.retry_after};
    case ingest_write_error::action::stop:
      logger()->error(
          "{} rejected a batch of {} records: {}; stopping without "
          "committing, because every batch would get the same answer. Fix "
          "the configuration or the server and start again",
          target_.describe(), records, error.message);
      fatal_ = true;
      return {attempt::outcome::give_up, std::move(error.message)};
    case ingest_write_error::action::dead_letter:
      break;
  }
  if (options_.deadletter_topic.empty()) {
    logger()->error(
        "{} rejected a batch of {} records: {}; stopping without "
        "committing, because no dead-letter topic is set",
        target_.describe(), records, error.message);
    fatal_ = true;
    return {attempt::outcome::give_up, std::move(error.message)};
  }
  logger()->error(
      "{} rejected a batch of {} records, not retrying: {}; sending its {} "
      "messages to {}",
      target_.describe(), records, error.message, batch_messages_.size(),
      options_.deadletter_topic);
  ++stats_.rejected_batches;
  for (consumed_message& consumed : batch_messages_) {
    deadletters_.push_back(
        dead_letter{std::move(consumed), error.code, error.message});
  }
  batch_messages_.clear();
  target_.clear();
  return {};
}

history_ingester::attempt history_ingester::deliver_deadletters() {
  for (dead_letter& letter : deadletters_) {
    if (letter.status != dead_letter::state::pending) continue;
    const consumed_message& consumed = letter.message;
    rd_kafka_headers_t* headers = rd_kafka_headers_new(5);
    std::string partition = std::to_string(consumed.partition);
    std::string offset = std::to_string(consumed.offset);
    rd_kafka_header_add(headers, "ntscada.reason", -1, letter.reason.data(),
                        static_cast<ssize_t>(letter.reason.size()));
    rd_kafka_header_add(headers, "ntscada.detail", -1, letter.detail.data(),
                        static_cast<ssize_t>(letter.detail.size()));
    rd_kafka_header_add(headers, "ntscada.source.topic", -1,
                        consumed.topic.data(),
                        static_cast<ssize_t>(consumed.topic.size()));
    rd_kafka_header_add(headers, "ntscada.source.partition", -1,
                        partition.data(),
                        static_cast<ssize_t>(partition.size()));
    rd_kafka_header_add(headers, "ntscada.source.offset", -1, offset.data(),
                        static_cast<ssize_t>(offset.size()));
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(options_.deadletter_topic.c_str()),
        RD_KAFKA_V_KEY(consumed.key.data(), consumed.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(consumed.payload.data()),
                         consumed.payload.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(&letter), RD_KAFKA_V_END);
    if (err) {
      rd_kafka_headers_destroy(headers);
      break;  // queue full or a local error: the rest waits for a retry
    }
    letter.status = dead_letter::state::in_flight;
  }
  // message.timeout.ms ends every delivery, so the wait always ends with
  // every report served and no dead letter in flight.
  while (rd_kafka_outq_len(producer_.get()) > 0) {
    rd_kafka_flush(producer_.get(), 1000);
  }
  std::size_t delivered = 0;
  for (const dead_letter& letter : deadletters_) {
    if (letter.status == dead_letter::state::delivered) ++delivered;
  }
  stats_.deadlettered += delivered;
  std::size_t failed = deadletters_.size() - delivered;
  std::erase_if(deadletters_, [](const dead_letter& letter) {
    return letter.status == dead_letter::state::delivered;
  });
  if (failed == 0) return {};
  ++stats_.deadletter_failures;
  return {attempt::outcome::retry,
          fmt::format("{} of {} dead letters to {} were not acknowledged",
                      failed, failed + delivered, options_.deadletter_topic)};
}

void history_ingester::delivery_callback(rd_kafka_t*,
                                         const rd_kafka_message_t* message,
                                         void* opaque) {
  auto* letter = static_cast<dead_letter*>(message->_private);
  if (letter == nullptr) return;
  if (message->err) {
    letter->status = dead_letter::state::pending;
    std::uint64_t suppressed = 0;
    if (consumer_error_limiter().allow(suppressed)) {
      logger()->warn("dead letter to {} failed: {} ({} similar suppressed)",
                     rd_kafka_topic_name(message->rkt),
                     rd_kafka_err2str(message->err), suppressed);
    }
  } else {
    letter->status = dead_letter::state::delivered;
  }
  (void)opaque;
}

std::chrono::milliseconds history_ingester::retry_delay(
    int attempt_number, std::optional<std::chrono::milliseconds> asked) {
  auto ceiling = options_.retry_backoff;
  for (int i = 1; i < attempt_number && ceiling < options_.max_retry_backoff;
       ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, options_.max_retry_backoff);
  std::uniform_int_distribution<std::int64_t> draw(ceiling.count() / 2,
                                                   ceiling.count());
  std::chrono::milliseconds delay(draw(random_));
  if (asked)
    delay = std::max(delay, std::min(*asked, options_.max_retry_after));
  return delay;
}

bool history_ingester::retry_until_done(const std::atomic<bool>& stop,
                                        std::string_view what,
                                        const std::string& destination,
                                        const std::function<attempt()>& step) {
  batch_discarded_ = false;
  for (int number = 1;; ++number) {
    attempt tried = step();
    if (tried.result == attempt::outcome::done) break;
    if (tried.result == attempt::outcome::give_up) {
      retrying_ = false;
      if (paused_) set_paused(false);
      return false;
    }

    auto now = std::chrono::steady_clock::now();
    if (stop.load() && !shutdown_deadline_) {
      shutdown_deadline_ = now + options_.shutdown_timeout;
    }
    if (shutdown_deadline_ && now >= *shutdown_deadline_) {
      logger()->error(
          "gave up {} {} records after {} attempts at shutdown: {}; "
          "their offsets are not committed, so they are consumed again on "
          "the next run",
          what, target_.size() + deadletters_.size(), number, tried.message);
      unstored_ = true;
      retrying_ = false;
      return false;
    }
    auto delay = retry_delay(number, tried.retry_after);
    logger()->error(
        "{} {} records to {} failed (attempt {}): {}; offsets not "
        "committed, retrying in {} ms",
        what, target_.size() + deadletters_.size(), destination, number,
        tried.message, delay.count());

    // Pause fetching, but keep polling so that the consumer stays in its
    // group and serves rebalances. Messages fetched before the pause join
    // the batch.
    retrying_ = true;
    if (!paused_) set_paused(true);
    auto retry_at = now + delay;
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
  }

  retrying_ = false;
  if (paused_) set_paused(false);
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
      "discarding {} unstored records and {} dead letters ({}); their "
      "offsets are not committed, so they are consumed again",
      target_.size(), deadletters_.size(), reason);
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
  target_.clear();
  batch_messages_.clear();
  deadletters_.clear();
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
  logger()->info("revoking partitions=[{}] after writing {} records", names,
                 target_.size());
  if (retrying_) {
    for (int i = 0; i < partitions->cnt; ++i) {
      offsets_.erase(
          {partitions->elems[i].topic, partitions->elems[i].partition});
    }
    discard_batch("the store is failing and partitions are revoked");
  } else {
    attempt tried;
    if (target_.size() > 0) tried = write_batch();
    if (tried.result == attempt::outcome::done && !deadletters_.empty()) {
      tried = deliver_deadletters();
    }
    if (tried.result == attempt::outcome::done) {
      commit();
    } else {
      logger()->error("writing {} records before revocation failed: {}",
                      target_.size(), tried.message);
      for (int i = 0; i < partitions->cnt; ++i) {
        offsets_.erase(
            {partitions->elems[i].topic, partitions->elems[i].partition});
      }
      discard_batch("the write failed before revocation");
    }
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
