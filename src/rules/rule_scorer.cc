#include "rules/rule_scorer.h"

namespace ntscada {

rule_scorer::rule_scorer(envelope_table table)
    : table_(std::move(table)), detector_("rules:" + table_.name()) {}

score rule_scorer::score_one(const reading& r) const {
  const envelope_rule& rule = table_.find(r.sensor_id, r.sensor_type);
  score result;
  result.anomaly = is_anomalous(rule, r.value);
  result.confidence = rule_confidence(rule, r.value);
  result.state = classify(rule.limits, r.value);
  result.level = severity_of(rule.limits, r.value);
  result.kind = category_of(r.sensor_type);
  return result;
}

void rule_scorer::score_batch(std::span<const reading> readings,
                              std::span<score> out) {
  for (std::size_t i = 0; i < readings.size(); ++i) {
    out[i] = score_one(readings[i]);
  }
}

}  // namespace ntscada
