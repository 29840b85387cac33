#include "loop_link.hpp"

#include <uv.h>

namespace atomkv::sqlite {

// The handles' memory lives until both close callbacks have run; the link may be gone by then.
struct loop_link::handles {
  uv_check_t end_of_iteration{};
  uv_idle_t keep_polling{};
  std::weak_ptr<loop_link> link;
  int open = 2;
};

namespace {

void on_closed(uv_handle_t* h) {
  auto* box = static_cast<loop_link::handles*>(h->data);
  if (--box->open == 0) {
    delete box;
  }
}

}  // namespace

loop_link::~loop_link() {
  if (attached()) {
    detach(error::other("sqlite: the store was closed with calls pending"));
  }
}

result<void> loop_link::attach(uv_loop_s* loop) {
  BOOST_OUTCOME_TRY(completions_.attach(loop));
  auto* box = new handles;
  box->link = weak_from_this();
  uv_check_init(loop, &box->end_of_iteration);
  uv_idle_init(loop, &box->keep_polling);
  box->end_of_iteration.data = box;
  box->keep_polling.data = box;
  uv_check_start(&box->end_of_iteration, [](uv_check_t* h) {
    if (auto link = static_cast<handles*>(h->data)->link.lock()) {
      link->commit_queued();
    }
  });
  // Neither handle keeps the loop alive: pending calls do that (loop_completions).
  uv_unref(reinterpret_cast<uv_handle_t*>(&box->end_of_iteration));
  uv_unref(reinterpret_cast<uv_handle_t*>(&box->keep_polling));
  handles_ = box;
  return outcome::success();
}

void loop_link::detach(const error& why) {
  if (handles_ != nullptr) {
    auto* box = std::exchange(handles_, nullptr);
    box->link.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&box->end_of_iteration), &on_closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&box->keep_polling), &on_closed);
    // What this loop queued and did not commit yet is the writer thread's now.
    db_->writer().wake_writer_thread();
  }
  completions_.detach(why);
}

void loop_link::queued() {
  if (handles_ != nullptr) {
    // An idle handle makes the loop poll without sleeping, so the check comes round at once.
    uv_idle_start(&handles_->keep_polling, [](uv_idle_t*) {});
  }
}

void loop_link::commit_queued() {
  auto self = shared_from_this();  // a callback run below may drop the last owner
  uv_idle_stop(&handles_->keep_polling);
  bool more = false;
  completions_.deliver_after([&] { more = db_->writer().commit_queued_here(); });
  if (more) {
    queued();  // more than one group was queued: the next iteration commits the rest
  }
}

}  // namespace atomkv::sqlite
