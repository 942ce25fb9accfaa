#include "stream/offset_tracker.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

const topic_partition kP0{"scada.sensors", 0};
const topic_partition kP1{"scada.sensors", 1};

TEST(OffsetTrackerTest, CommitWaitsForLowestOffset) {
  offset_tracker tracker;
  tracker.track(kP0, 0, 1);
  tracker.track(kP0, 1, 2);
  tracker.track(kP0, 2, 1);
  EXPECT_EQ(tracker.outstanding(), 4);
  EXPECT_EQ(tracker.commit_position(kP0), 0);

  EXPECT_EQ(tracker.acknowledge(kP0, 2), std::nullopt);
  EXPECT_EQ(tracker.acknowledge(kP0, 1), std::nullopt);
  EXPECT_EQ(tracker.commit_position(kP0), 0);
  EXPECT_EQ(tracker.acknowledge(kP0, 0), 1);
  EXPECT_EQ(tracker.acknowledge(kP0, 1), 3);
  EXPECT_EQ(tracker.outstanding(), 0);
  EXPECT_EQ(tracker.commit_position(kP0), 3);
}

TEST(OffsetTrackerTest, PartitionsIndependent) {
  offset_tracker tracker;
  tracker.track(kP0, 10, 1);
  tracker.track(kP1, 5, 1);
  EXPECT_EQ(tracker.acknowledge(kP1, 5), 6);
  EXPECT_EQ(tracker.commit_position(kP0), 10);
  EXPECT_EQ(tracker.commit_position(kP1), 6);
}

TEST(OffsetTrackerTest, ForgetDropsOutstanding) {
  offset_tracker tracker;
  tracker.track(kP0, 0, 2);
  tracker.track(kP1, 0, 1);
  tracker.forget(kP0);
  EXPECT_EQ(tracker.outstanding(), 1);
  EXPECT_EQ(tracker.commit_position(kP0), std::nullopt);
  EXPECT_EQ(tracker.acknowledge(kP0, 0), std::nullopt);
}

TEST(OffsetTrackerTest, UnknownAcknowledgementIgnored) {
  offset_tracker tracker;
  tracker.track(kP0, 3, 1);
  EXPECT_EQ(tracker.acknowledge(kP0, 7), std::nullopt);
  EXPECT_EQ(tracker.outstanding(), 1);
}

TEST(OffsetTrackerTest, GapsInOffsetsAllowed) {
  // Compacted topics and transaction markers leave gaps in offsets.
  offset_tracker tracker;
  tracker.track(kP0, 4, 1);
  tracker.track(kP0, 9, 1);
  EXPECT_EQ(tracker.acknowledge(kP0, 4), 9);
  EXPECT_EQ(tracker.acknowledge(kP0, 9), 10);
}

}  // namespace
}  // namespace ntscada
