#include "stream/stream_processor.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/logging.h"
#include "reading/timestamp.h"
#include "scoring/result_record.h"

namespace ntscada {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = module_logger("stream");
  return instance;
}

log_rate_limiter& delivery_error_limiter() {
  static log_rate_limiter limiter;
  return limiter;
}

log_rate_limiter& consumer_error_limiter() {
  static log_rate_limiter limiter;
  return limiter;
}

enum class output_kind { result, anomaly, deadletter };

// How often a running processor logs its counters.
constexpr auto kProgressInterval = std::chrono::seconds(30);

// Dead letters keep at most this many bytes of the original message.
constexpr std::size_t kMaxDeadletterBytes = 256 * 1024;

// Delivery errors that no retry can fix: the record itself is rejected.
bool is_permanent_delivery_error(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
         error == RD_KAFKA_RESP_ERR_INVALID_RECORD ||
         error == RD_KAFKA_RESP_ERR_INVALID_MSG;
}

}  // namespace

// Carried through librdkafka as the message opaque; owned by the processor
// from produce until the delivery report succeeds.
struct stream_processor::delivery_context {
  topic_partition source;
  std::int64_t offset;
  std::uint64_t generation;
  output_kind kind;
  // The input's Kafka timestamp in ms (-1 when it has none) and when it
  // was consumed, for the latency histograms.
  std::int64_t input_timestamp_ms;
  epoch_ns consumed;
};

// A message whose delivery failed with a retriable error, kept to be
// produced again from the poll loop.
struct stream_processor::failed_delivery {
  std::string topic;
  std::string key;
  std::string value;
  rd_kafka_headers_t* headers;  // owned; nullptr when none
  delivery_context* context;
};

struct stream_processor::batch_item {
  rd_kafka_message_t* message;
  // Index into readings_ for a valid reading, else -1 and `rejected` set.
  std::ptrdiff_t reading_index;
  rejection rejected;
};

result<std::unique_ptr<stream_processor>, std::string> stream_processor::create(
    stream_options options, std::unique_ptr<scorer> scoring) {
  std::unique_ptr<stream_processor> processor(
      new stream_processor(std::move(options), std::move(scoring)));
  auto connected = processor->connect();
  if (!connected) return failure{connected.error()};
  return processor;
}

stream_processor::stream_processor(stream_options options,
                                   std::unique_ptr<scorer> scoring)
    : options_(std::move(options)),
      scorer_(std::move(scoring)),
      parser_(options_.parser) {
  detector_in_stats_ = scorer_->detector();
  stats_.set_model(model_identity_from_detector(detector_in_stats_));
}

stream_processor::~stream_processor() {
  for (failed_delivery& failed : failed_) {
    if (failed.headers != nullptr) rd_kafka_headers_destroy(failed.headers);
    delete failed.context;
  }
  consumer_.reset();
  producer_.reset();
}

result<bool, std::string> stream_processor::connect() {
  kafka_properties producer_properties{
      {"bootstrap.servers", options_.brokers},
      {"client.id", "ntscada-stream"},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      // The same key-to-partition mapping as the Java client, so one
      // sensor's records share a partition whichever client produced them.
      {"partitioner", "murmur2_random"},
  };
  producer_properties.insert(producer_properties.end(),
                             options_.producer_properties.begin(),
                             options_.producer_properties.end());
  auto producer_conf = make_kafka_conf(producer_properties);
  if (!producer_conf) return failure{producer_conf.error()};
  rd_kafka_conf_set_opaque(producer_conf.value().get(), this);
  rd_kafka_conf_set_dr_msg_cb(producer_conf.value().get(), delivery_callback);

  char error[512];
  producer_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf.value().get(),
                               error, sizeof error));
  if (!producer_) {
    return failure{fmt::format("cannot create producer: {}", error)};
  }
  producer_conf.value().release();

  kafka_properties consumer_properties{
      {"bootstrap.servers", options_.brokers},
      {"client.id", "ntscada-stream"},
      {"group.id", options_.group_id},
      // Offsets are stored by the processor only after acknowledgement;
      // the periodic commit then commits what was stored.
      {"enable.auto.commit", "true"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      // Feeds broker state and partition lag to the metrics endpoint.
      {"statistics.interval.ms", "5000"},
  };
  for (const auto& [name, value] : options_.consumer_properties) {
    if (name == "enable.auto.offset.store" && value != "false") {
      return failure{fmt::format(
          "consumer property enable.auto.offset.store={} is not allowed: the "
          "processor stores each offset only after its outputs are "
          "acknowledged, which at-least-once delivery depends on",
          value)};
    }
  }
  consumer_properties.insert(consumer_properties.end(),
                             options_.consumer_properties.begin(),
                             options_.consumer_properties.end());
  auto consumer_conf = make_kafka_conf(consumer_properties);
  if (!consumer_conf) return failure{consumer_conf.error()};
  rd_kafka_conf_set_opaque(consumer_conf.value().get(), this);
  rd_kafka_conf_set_rebalance_cb(consumer_conf.value().get(),
                                 rebalance_callback);
  rd_kafka_conf_set_stats_cb(consumer_conf.value().get(), statistics_callback);
  consumer_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, consumer_conf.value().get(),
                               error, sizeof error));
  if (!consumer_) {
    return failure{fmt::format("cannot create consumer: {}", error)};
  }
  consumer_conf.value().release();
  rd_kafka_poll_set_consumer(consumer_.get());

  partition_list_ptr topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(
      topics.get(), options_.topics.sensors.c_str(), RD_KAFKA_PARTITION_UA);
  if (auto err = rd_kafka_subscribe(consumer_.get(), topics.get())) {
    return failure{fmt::format("cannot subscribe to {}: {}",
                               options_.topics.sensors, rd_kafka_err2str(err))};
  }
  return true;
}

int stream_processor::run(const std::atomic<bool>& stop) {
  logger()->info("started brokers={} group={} input={} detector={}",
                 options_.brokers, options_.group_id, options_.topics.sensors,
                 scorer_->detector());
  auto next_progress_log = std::chrono::steady_clock::now() + kProgressInterval;
  while (!stop.load() && !fatal_) {
    if (std::chrono::steady_clock::now() >= next_progress_log) {
      log_progress();
      next_progress_log += kProgressInterval;
    }
    wait_for_capacity(stop);
    retry_failed_deliveries();
    poll_batch();
    process_batch();
    rd_kafka_poll(producer_.get(), 0);
    store_offsets();
  }

  logger()->info("stopping: draining {} unacknowledged outputs",
                 tracker_.outstanding());
  bool drained = !fatal_ && drain(options_.drain_timeout);
  store_offsets();
  if (!fatal_) {
    rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), nullptr, 0);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      logger()->warn("final commit failed: {}", rd_kafka_err2str(err));
    }
  }
  rd_kafka_consumer_close(consumer_.get());
  rd_kafka_flush(producer_.get(), 1000);

  int code = kExitClean;
  if (fatal_) {
    code = kExitFatal;
  } else if (!drained) {
    code = kExitUnacknowledged;
  }
  logger()->info(
      "stopped consumed={} valid={} results={} anomalies={} deadletters={} "
      "outstanding={} exit={}",
      stats_.messages_consumed.load(), stats_.readings_valid.load(),
      stats_.results_acknowledged.load(), stats_.anomalies_acknowledged.load(),
      stats_.deadletters_acknowledged.load(), tracker_.outstanding(), code);
  return code;
}

void stream_processor::log_progress() const {
  logger()->info(
      "progress consumed={} valid={} results={} anomalies={} deadletters={} "
      "dropped={} outstanding={} partitions={}",
      stats_.messages_consumed.load(), stats_.readings_valid.load(),
      stats_.results_acknowledged.load(), stats_.anomalies_acknowledged.load(),
      stats_.deadletters_acknowledged.load(), stats_.outputs_dropped.load(),
      tracker_.outstanding(), stats_.assigned_partitions.load());
}

void stream_processor::wait_for_capacity(const std::atomic<bool>& stop) {
  while (tracker_.outstanding() >= options_.max_outstanding && !stop.load() &&
         !fatal_) {
    retry_failed_deliveries();
    rd_kafka_poll(producer_.get(), 100);
    store_offsets();
  }
}

void stream_processor::poll_batch() {
  batch_.clear();
  int timeout_ms = static_cast<int>(options_.poll_timeout.count());
  // One message per call: the batch consume calls of librdkafka 2.0 can
  // lose messages around rebalances.
  while (batch_.size() < options_.max_batch) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(
        consumer_.get(), batch_.empty() ? timeout_ms : 0);
    if (message == nullptr) break;
    batch_.push_back(message);
  }
}

void stream_processor::process_batch() {
  if (batch_.empty()) return;
  auto started = std::chrono::steady_clock::now();
  epoch_ns now = wall_clock_now();
  items_.clear();
  readings_.clear();
  for (rd_kafka_message_t* message : batch_) {
    if (message->err) {
      handle_consumer_error(message);
      items_.push_back({message, -1, {}});
      continue;
    }
    ++stats_.messages_consumed;
    std::string_view bytes(static_cast<const char*>(message->payload),
                           message->len);
    auto parsed = parser_.parse(bytes, now);
    if (parsed) {
      items_.push_back(
          {message, static_cast<std::ptrdiff_t>(readings_.size()), {}});
      readings_.push_back(std::move(parsed.value()));
    } else {
      items_.push_back({message, -1, std::move(parsed.error())});
    }
  }

  scores_.resize(readings_.size());
  scorer_->score_batch(readings_, scores_);
  // A scorer may switch models between batches.
  if (scorer_->detector() != detector_in_stats_) {
    detector_in_stats_ = scorer_->detector();
    stats_.set_model(model_identity_from_detector(detector_in_stats_));
  }

  for (const batch_item& item : items_) {
    if (!item.message->err) {
      const reading* r =
          item.reading_index >= 0 ? &readings_[item.reading_index] : nullptr;
      const score* s =
          item.reading_index >= 0 ? &scores_[item.reading_index] : nullptr;
      produce_outputs(item, r, s, now);
    }
    rd_kafka_message_destroy(item.message);
  }
  batch_.clear();
  stats_.batch_duration.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count());
}

void stream_processor::produce_outputs(const batch_item& item, const reading* r,
                                       const score* s, epoch_ns now) {
  const rd_kafka_message_t* message = item.message;
  topic_partition tp{rd_kafka_topic_name(message->rkt), message->partition};
  std::uint64_t generation = assigned_generation_[tp];
  std::int64_t timestamp_ms = rd_kafka_message_timestamp(message, nullptr);
  auto context = [&](output_kind kind) {
    return new delivery_context{tp,   message->offset, generation,
                                kind, timestamp_ms,    now};
  };

  if (r == nullptr) {
    ++stats_.deadletters_by_reason[static_cast<std::size_t>(
        item.rejected.reason)];
    std::uint64_t suppressed = 0;
    if (consumer_error_limiter().allow(suppressed)) {
      logger()->warn(
          "dead-lettered topic={} partition={} offset={} reason={} "
          "detail={} ({} similar suppressed)",
          tp.topic, tp.partition, message->offset,
          to_code(item.rejected.reason), item.rejected.detail, suppressed);
    }
    rd_kafka_headers_t* headers = rd_kafka_headers_new(5);
    std::string_view reason = to_code(item.rejected.reason);
    std::string partition = std::to_string(tp.partition);
    std::string offset = std::to_string(message->offset);
    rd_kafka_header_add(headers, "ntscada.reason", -1, reason.data(),
                        static_cast<ssize_t>(reason.size()));
    rd_kafka_header_add(headers, "ntscada.detail", -1,
                        item.rejected.detail.data(),
                        static_cast<ssize_t>(item.rejected.detail.size()));
    rd_kafka_header_add(headers, "ntscada.source.topic", -1, tp.topic.data(),
                        static_cast<ssize_t>(tp.topic.size()));
    rd_kafka_header_add(headers, "ntscada.source.partition", -1,
                        partition.data(),
                        static_cast<ssize_t>(partition.size()));
    rd_kafka_header_add(headers, "ntscada.source.offset", -1, offset.data(),
                        static_cast<ssize_t>(offset.size()));
    std::string_view key(static_cast<const char*>(message->key),
                         message->key_len);
    std::string_view value(static_cast<const char*>(message->payload),
                           message->len);
    if (value.size() > kMaxDeadletterBytes) {
      // Kafka's default record limit is 1 MB, so an oversized input could
      // never be dead-lettered whole; its start and true size are kept.
      std::string size = std::to_string(value.size());
      rd_kafka_header_add(headers, "ntscada.original_size", -1, size.data(),
                          static_cast<ssize_t>(size.size()));
      value = value.substr(0, kMaxDeadletterBytes);
    }
    tracker_.track(tp, message->offset, 1);
    produce(options_.topics.deadletter, key, value, headers,
            context(output_kind::deadletter));
    return;
  }

  ++stats_.readings_valid;
  if (r->value_was_string) ++stats_.coerced_numeric_strings;
  ++stats_.states[static_cast<std::size_t>(s->state)];
  if (s->anomaly)
    ++stats_.anomalies_by_severity[static_cast<std::size_t>(s->level)];

  buffer_.clear();
  append_result_json(buffer_, *r, *s, scorer_->detector(), now,
                     {tp.topic, tp.partition, message->offset});
  tracker_.track(tp, message->offset, s->anomaly ? 2 : 1);
  produce(options_.topics.processed, r->sensor_id, buffer_, nullptr,
          context(output_kind::result));
  if (s->anomaly) {
    produce(options_.topics.anomalies, r->sensor_id, buffer_, nullptr,
            context(output_kind::anomaly));
  }
}

void stream_processor::produce(const std::string& topic, std::string_view key,
                               std::string_view value,
                               rd_kafka_headers_t* headers,
                               delivery_context* context) {
  while (true) {
    rd_kafka_resp_err_t err;
    if (headers != nullptr) {
      err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
          RD_KAFKA_V_OPAQUE(context), RD_KAFKA_V_END);
    } else {
      err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(context),
          RD_KAFKA_V_END);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;  // headers now owned
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !fatal_) {
      // Back-pressure: serve delivery reports until the queue has room.
      rd_kafka_poll(producer_.get(), 100);
      continue;
    }
    stats_.count_delivery_error(rd_kafka_err2name(err));
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      // The input offset is never committed, so the reading is consumed
      // again after a restart.
      logger()->error(
          "produce failed fatally topic={} source={}/{}/{} "
          "error={}",
          topic, context->source.topic, context->source.partition,
          context->offset, rd_kafka_err2str(err));
      fatal_ = true;
      delete context;
      return;
    }
    give_up_output(context, topic, err);
    return;
  }
}

void stream_processor::delivery_callback(rd_kafka_t*,
                                         const rd_kafka_message_t* message,
                                         void* opaque) {
  static_cast<stream_processor*>(opaque)->on_delivery(message);
}

void stream_processor::on_delivery(const rd_kafka_message_t* message) {
  auto* context = static_cast<delivery_context*>(message->_private);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    switch (context->kind) {
      case output_kind::result:
        ++stats_.results_acknowledged;
        break;
      case output_kind::anomaly:
        ++stats_.anomalies_acknowledged;
        break;
      case output_kind::deadletter:
        ++stats_.deadletters_acknowledged;
        break;
    }
    // Each input has one result or one dead letter, which is timed. Timing
    // its anomaly copy too would count the input twice.
    if (context->kind != output_kind::anomaly) observe_latency(*context);
    auto assigned = assigned_generation_.find(context->source);
    bool current = assigned != assigned_generation_.end() &&
                   assigned->second == context->generation;
    if (current &&
        tracker_.acknowledge(context->source, context->offset).has_value()) {
      offsets_dirty_ = true;
    }
    delete context;
    return;
  }

  std::string topic = rd_kafka_topic_name(message->rkt);
  stats_.count_delivery_error(rd_kafka_err2name(message->err));
  std::uint64_t suppressed = 0;
  if (delivery_error_limiter().allow(suppressed)) {
    logger()->warn(
        "delivery failed topic={} source={}/{}/{} error={}; "
        "producing again ({} similar suppressed)",
        topic, context->source.topic, context->source.partition,
        context->offset, rd_kafka_err2str(message->err), suppressed);
  }
  if (message->err == RD_KAFKA_RESP_ERR__FATAL || fatal_) {
    fatal_ = true;
    delete context;
    return;
  }
  if (is_permanent_delivery_error(message->err)) {
    give_up_output(context, topic, message->err);
    return;
  }
  rd_kafka_headers_t* headers = nullptr;
  rd_kafka_message_detach_headers(const_cast<rd_kafka_message_t*>(message),
                                  &headers);
  failed_.push_back(failed_delivery{
      std::move(topic),
      std::string(static_cast<const char*>(message->key), message->key_len),
      std::string(static_cast<const char*>(message->payload), message->len),
      headers, context});
}

void stream_processor::observe_latency(const delivery_context& context) {
  epoch_ns acknowledged = wall_clock_now();
  // Wall clocks of different hosts may disagree, so a negative latency is
  // counted as zero rather than dropped.
  auto seconds = [](epoch_ns from, epoch_ns to) {
    return std::max(0.0, static_cast<double>(to - from) / 1e9);
  };
  stats_.processing_latency.observe(seconds(context.consumed, acknowledged));
  if (context.input_timestamp_ms >= 0) {
    stats_.end_to_end_latency.observe(
        seconds(context.input_timestamp_ms * 1'000'000, acknowledged));
  }
}

int stream_processor::statistics_callback(rd_kafka_t*, char* json, size_t size,
                                          void* opaque) {
  auto* processor = static_cast<stream_processor*>(opaque);
  auto updated = processor->stats_.consumer_statistics.update(
      std::string_view(json, size));
  if (!updated) logger()->warn("{}", updated.error());
  return 0;  // librdkafka frees the JSON text
}

void stream_processor::give_up_output(delivery_context* context,
                                      const std::string& topic,
                                      rd_kafka_resp_err_t error) {
  // Retrying cannot help, and holding the offset back would stop the
  // partition for good, so the output is counted, logged and skipped.
  ++stats_.outputs_dropped;
  logger()->error(
      "dropped output topic={} source={}/{}/{} error={}; the "
      "input is committed without it",
      topic, context->source.topic, context->source.partition, context->offset,
      rd_kafka_err2str(error));
  auto assigned = assigned_generation_.find(context->source);
  if (assigned != assigned_generation_.end() &&
      assigned->second == context->generation &&
      tracker_.acknowledge(context->source, context->offset).has_value()) {
    offsets_dirty_ = true;
  }
  delete context;
}

void stream_processor::retry_failed_deliveries() {
  if (failed_.empty()) return;
  std::vector<failed_delivery> retries;
  retries.swap(failed_);
  for (failed_delivery& failed : retries) {
    ++stats_.produce_retries;
    produce(failed.topic, failed.key, failed.value, failed.headers,
            failed.context);
  }
}

bool stream_processor::drain(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (tracker_.outstanding() > 0 && !fatal_ &&
         std::chrono::steady_clock::now() < deadline) {
    retry_failed_deliveries();
    rd_kafka_poll(producer_.get(), 50);
    store_offsets();
  }
  if (tracker_.outstanding() > 0) {
    logger()->warn(
        "{} outputs still unacknowledged after {} ms; their "
        "inputs are not committed and will be consumed again",
        tracker_.outstanding(), timeout.count());
    return false;
  }
  return true;
}

void stream_processor::store_offsets() {
  if (!offsets_dirty_) return;
  offsets_dirty_ = false;
  auto positions = tracker_.commit_positions();
  partition_list_ptr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const auto& [tp, offset] : positions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(),
                                      tp.partition)
        ->offset = offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_store(consumer_.get(), list.get());
  if (err) {
    logger()->debug("offset store failed for {} partitions: {}",
                    positions.size(), rd_kafka_err2str(err));
  }
}

void stream_processor::rebalance_callback(
    rd_kafka_t*, rd_kafka_resp_err_t event,
    rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<stream_processor*>(opaque)->on_rebalance(event, partitions);
}

void stream_processor::on_rebalance(
    rd_kafka_resp_err_t event, rd_kafka_topic_partition_list_t* partitions) {
  bool cooperative =
      std::string_view(rd_kafka_rebalance_protocol(consumer_.get())) ==
      "COOPERATIVE";
  std::string names;
  for (int i = 0; i < partitions->cnt; ++i) {
    fmt::format_to(std::back_inserter(names), "{}{}/{}", i ? "," : "",
                   partitions->elems[i].topic, partitions->elems[i].partition);
  }

  if (event == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    ++generation_;
    for (int i = 0; i < partitions->cnt; ++i) {
      assigned_generation_[{partitions->elems[i].topic,
                            partitions->elems[i].partition}] = generation_;
    }
    stats_.assigned_partitions += partitions->cnt;
    logger()->info("assigned partitions=[{}]", names);
    if (cooperative) {
      rd_kafka_error_t* error =
          rd_kafka_incremental_assign(consumer_.get(), partitions);
      if (error != nullptr) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(consumer_.get(), partitions);
    }
    return;
  }

  // Revocation: finish what was produced for these partitions and commit
  // it, so the next owner starts exactly after the acknowledged work.
  logger()->info("revoking partitions=[{}] after draining {} outputs", names,
                 tracker_.outstanding());
  drain(options_.drain_timeout);
  store_offsets();
  rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), nullptr, 0);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    logger()->warn("commit on revocation failed: {}", rd_kafka_err2str(err));
  }
  stats_.assigned_partitions -= partitions->cnt;
  for (int i = 0; i < partitions->cnt; ++i) {
    topic_partition tp{partitions->elems[i].topic,
                       partitions->elems[i].partition};
    tracker_.forget(tp);
    assigned_generation_.erase(tp);
  }
  if (cooperative) {
    rd_kafka_error_t* error =
        rd_kafka_incremental_unassign(consumer_.get(), partitions);
    if (error != nullptr) rd_kafka_error_destroy(error);
  } else {
    rd_kafka_assign(consumer_.get(), nullptr);
  }
}

void stream_processor::handle_consumer_error(
    const rd_kafka_message_t* message) {
  if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
  ++stats_.consumer_errors;
  std::uint64_t suppressed = 0;
  if (consumer_error_limiter().allow(suppressed)) {
    logger()->warn(
        "consumer error topic={} partition={}: {} ({} similar "
        "suppressed)",
        message->rkt ? rd_kafka_topic_name(message->rkt) : "-",
        message->partition, rd_kafka_message_errstr(message), suppressed);
  }
}

}  // namespace ntscada
