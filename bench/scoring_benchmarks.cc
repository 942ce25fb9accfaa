// Per-reading costs of the stream processor's CPU work: parsing, scoring
// and writing the result record. Kafka costs are measured by the demo (see
// docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "reading/reading_parser.h"
#include "rules/rule_scorer.h"
#include "scoring/result_record.h"

namespace ntscada {
namespace {

constexpr epoch_ns kNow = 1'717'300'000'000'000'000;

const std::string kMessage =
    R"({"sensor_id":"valve1/0/Accelerometer1RMS","sensor_type":"vibration",)"
    R"("value":0.0265878,"unit":"g","timestamp":"2020-03-09T10:14:33.000Z",)"
    R"("asset_id":"valve1/0","anomaly_label":false,"changepoint_label":false})";

void parse_reading(benchmark::State& state) {
  reading_parser parser;
  for (auto _ : state) {
    auto parsed = parser.parse(kMessage, kNow);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(parse_reading);

void reject_truncated(benchmark::State& state) {
  reading_parser parser;
  std::string truncated = kMessage.substr(0, kMessage.size() / 2);
  for (auto _ : state) {
    auto parsed = parser.parse(truncated, kNow);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(reject_truncated);

void score_batch_of_readings(benchmark::State& state) {
  reading_parser parser;
  std::vector<reading> readings(static_cast<std::size_t>(state.range(0)),
                                parser.parse(kMessage, kNow).value());
  std::vector<score> scores(readings.size());
  rule_scorer scorer{envelope_table{}};
  for (auto _ : state) {
    scorer.score_batch(readings, scores);
    benchmark::DoNotOptimize(scores.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(score_batch_of_readings)->Arg(1000);

void write_result_record(benchmark::State& state) {
  reading_parser parser;
  reading r = parser.parse(kMessage, kNow).value();
  score s = rule_scorer{envelope_table{}}.score_one(r);
  std::string out;
  for (auto _ : state) {
    out.clear();
    append_result_json(out, r, s, "rules:default", kNow,
                       {"scada.sensors", 3, 123456});
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(write_result_record);

}  // namespace
}  // namespace ntscada
