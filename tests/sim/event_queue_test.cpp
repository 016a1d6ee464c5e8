#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace drsim::sim {
namespace {

struct Recorder {
  std::vector<int> order;
};
struct Tag {
  Recorder* recorder;
  int id;
};
void record(void* p) {
  auto* tag = static_cast<Tag*>(p);
  tag->recorder->order.push_back(tag->id);
}

std::vector<int> drain(EventQueue& q, std::vector<Time>* times = nullptr) {
  std::vector<int> seen;
  while (!q.empty()) {
    Time at;
    Callback cb = q.pop(at);
    auto* tag = static_cast<Tag*>(cb.context);
    seen.push_back(tag->id);
    if (times) times->push_back(at);
  }
  return seen;
}

TEST(EventQueue, OrdersByTimeThenPriorityThenInsertion) {
  EventQueue q;
  Recorder r;
  std::vector<Tag> tags;
  for (int i = 0; i < 8; ++i) tags.push_back({&r, i});
  q.push(20, Priority::kNormal, {record, &tags[0]});
  q.push(10, Priority::kNormal, {record, &tags[1]});
  q.push(10, Priority::kNormal, {record, &tags[2]});
  q.push(10, Priority::kUrgent, {record, &tags[3]});
  q.push(10, Priority::kLate, {record, &tags[4]});
  q.push(10, Priority::kNormal, {record, &tags[5]});
  q.push(5, Priority::kLate, {record, &tags[6]});
  q.push(20, Priority::kUrgent, {record, &tags[7]});
  std::vector<Time> times;
  EXPECT_EQ(drain(q, &times), (std::vector<int>{6, 3, 1, 2, 5, 4, 7, 0}));
  EXPECT_EQ(times, (std::vector<Time>{5, 10, 10, 10, 10, 10, 20, 20}));
}

TEST(EventQueue, HasDueByTellsWhetherAnEntryWouldComeFirst) {
  EventQueue q;
  Recorder r;
  Tag tag{&r, 0};
  EXPECT_FALSE(q.has_due_by(10, Priority::kLate)) << "empty";
  const EventId normal = q.push(10, Priority::kNormal, {record, &tag});
  EXPECT_FALSE(q.has_due_by(9, Priority::kLate)) << "due later";
  EXPECT_FALSE(q.has_due_by(10, Priority::kUrgent)) << "same instant, lower priority";
  EXPECT_TRUE(q.has_due_by(10, Priority::kNormal)) << "same instant and priority: pushed first";
  EXPECT_TRUE(q.has_due_by(10, Priority::kLate));
  EXPECT_TRUE(q.has_due_by(11, Priority::kUrgent)) << "due earlier";
  q.push(-5, Priority::kLate, {record, &tag});
  EXPECT_TRUE(q.has_due_by(-5, Priority::kLate)) << "negative times order first";
  EXPECT_FALSE(q.has_due_by(-6, Priority::kLate));
  Time at;
  q.pop(at);
  q.cancel(normal);
  EXPECT_FALSE(q.has_due_by(10, Priority::kLate)) << "a cancelled entry is not due";
}

TEST(EventQueue, ManyEqualTimesKeepInsertionOrder) {
  EventQueue q;
  Recorder r;
  std::vector<Tag> tags;
  for (int i = 0; i < 1000; ++i) tags.push_back({&r, i});
  for (int i = 0; i < 1000; ++i) q.push(i % 3, Priority::kNormal, {record, &tags[i]});
  std::vector<int> seen = drain(q);
  ASSERT_EQ(seen.size(), 1000u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    const int a = seen[i - 1], b = seen[i];
    EXPECT_TRUE(a % 3 < b % 3 || (a % 3 == b % 3 && a < b)) << a << " before " << b;
  }
}

TEST(EventQueue, CancelledEntriesNeverRun) {
  EventQueue q;
  Recorder r;
  Tag a{&r, 1}, b{&r, 2}, c{&r, 3};
  q.push(1, Priority::kNormal, {record, &a});
  EventId id = q.push(2, Priority::kNormal, {record, &b});
  q.push(3, Priority::kNormal, {record, &c});
  EXPECT_EQ(q.size(), 3u);
  EXPECT_TRUE(q.cancel(id));
  EXPECT_FALSE(q.cancel(id)) << "cancelling twice";
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(drain(q), (std::vector<int>{1, 3}));
}

TEST(EventQueue, CancellingTheTopAndAfterRunningIsSafe) {
  EventQueue q;
  Recorder r;
  Tag a{&r, 1}, b{&r, 2};
  EventId first = q.push(1, Priority::kNormal, {record, &a});
  q.push(2, Priority::kNormal, {record, &b});
  EXPECT_TRUE(q.cancel(first));
  EXPECT_EQ(q.next_time(), 2);
  Time at;
  q.pop(at);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.cancel(first));
}

TEST(EventQueue, StaleIdsCannotCancelNewEntriesAfterClear) {
  EventQueue q;
  Recorder r;
  Tag a{&r, 1}, b{&r, 2};
  EventId old_id = q.push(1, Priority::kNormal, {record, &a});
  q.clear();
  EXPECT_TRUE(q.empty());
  q.push(1, Priority::kNormal, {record, &b});  // reuses the same slot
  EXPECT_FALSE(q.cancel(old_id));
  EXPECT_EQ(drain(q), (std::vector<int>{2}));
}

TEST(EventQueue, StaleIdsCannotCancelAReusedSlot) {
  EventQueue q;
  Recorder r;
  Tag a{&r, 1}, b{&r, 2};
  EventId old_id = q.push(1, Priority::kNormal, {record, &a});
  Time at;
  q.pop(at);
  q.push(5, Priority::kNormal, {record, &b});
  EXPECT_FALSE(q.cancel(old_id));
  EXPECT_EQ(q.size(), 1u);
}

}  // namespace
}  // namespace drsim::sim
