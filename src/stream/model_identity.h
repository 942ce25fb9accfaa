#pragma once

#include <string>
#include <string_view>

namespace ntscada {

// The model, or rule set, that scores readings: exported as the labels of
// ntscada_stream_model_info.
struct model_identity {
  // "rules" for envelope rules, else the registered model name.
  std::string name;
  // The rule set's name, or the registered model version.
  std::string version;
};

// Splits a scorer's detector text "NAME:VERSION" (for example
// "rules:default") into a model identity. Text without ':' becomes the
// name with an empty version.
inline model_identity model_identity_from_detector(std::string_view detector) {
  auto colon = detector.find(':');
  if (colon == std::string_view::npos) return {std::string(detector), ""};
  return {std::string(detector.substr(0, colon)),
          std::string(detector.substr(colon + 1))};
}

}  // namespace ntscada
