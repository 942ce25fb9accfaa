#include "monitoring/readiness.h"

#include "common/json_writer.h"

namespace ntscada {

readiness_report evaluate_readiness(std::span<const readiness_check> checks) {
  readiness_report report;
  std::string results;
  json_object_writer results_writer(results);
  for (const readiness_check& check : checks) {
    std::optional<std::string> failure = check.probe();
    if (failure) report.ready = false;
    results_writer.member(check.name, failure ? *failure : "ok");
  }
  results_writer.finish();
  json_object_writer(report.json)
      .member("status", report.ready ? "ready" : "not ready")
      .raw_member("checks", results)
      .finish();
  return report;
}

}  // namespace ntscada
