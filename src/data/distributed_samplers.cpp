// libtorch's distributed samplers: each rank's share of the dataset indices.
#include <algorithm>
#include <numeric>
#include <random>

#include "torsh/core/error.h"
#include "torsh/data.h"

namespace torsh::data::samplers {

DistributedSampler::DistributedSampler(size_t size, size_t num_replicas, size_t rank,
                                       bool allow_duplicates)
    : size_(size), num_replicas_(num_replicas), rank_(rank), allow_duplicates_(allow_duplicates) {
  TORSH_CHECK(num_replicas_ > 0, "DistributedSampler: num_replicas must be positive");
  TORSH_CHECK(rank_ < num_replicas_, "DistributedSampler: rank ", rank_, " is out of range for ",
              num_replicas_, " replicas");
}

size_t DistributedSampler::local_sample_count() const {
  return allow_duplicates_ ? (size_ + num_replicas_ - 1) / num_replicas_ : size_ / num_replicas_;
}

namespace {
// The next batch of at most batch_size positions in [at, end), advancing at.
std::optional<std::pair<size_t, size_t>> take(size_t& at, size_t end, size_t batch_size) {
  if (at == end) return std::nullopt;
  const size_t stop = std::min(end, at + batch_size);
  std::pair<size_t, size_t> range{at, stop};
  at = stop;
  return range;
}
}  // namespace

DistributedRandomSampler::DistributedRandomSampler(size_t size, size_t num_replicas, size_t rank,
                                                   bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  DistributedRandomSampler::reset(size_);
}

void DistributedRandomSampler::reset(std::optional<size_t> new_size) {
  size_ = new_size.value_or(size_);
  const size_t local = local_sample_count();
  // Every index once, then (when shares round up) the first ones again.
  all_.resize(num_replicas_ == 1 ? size_ : local * num_replicas_);
  std::iota(all_.begin(), all_.end(), size_t{0});
  // (libtorch writes i - size_, past the end when size < num_replicas; wrapping keeps every
  // index valid and is the same otherwise.)
  for (size_t i = size_; i < all_.size(); ++i) all_[i] = (i - size_) % size_;
  std::mt19937 rng(static_cast<std::mt19937::result_type>(epoch_));
  std::shuffle(all_.begin(), all_.end(), rng);
  begin_ = rank_ * local;
  end_ = begin_ + local;
  at_ = begin_;
}

std::optional<std::vector<size_t>> DistributedRandomSampler::next(size_t batch_size) {
  auto range = take(at_, end_, batch_size);
  if (!range) return std::nullopt;
  return std::vector<size_t>(all_.begin() + static_cast<std::ptrdiff_t>(range->first),
                             all_.begin() + static_cast<std::ptrdiff_t>(range->second));
}

DistributedSequentialSampler::DistributedSequentialSampler(size_t size, size_t num_replicas,
                                                           size_t rank, bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  DistributedSequentialSampler::reset(size_);
}

void DistributedSequentialSampler::reset(std::optional<size_t> new_size) {
  size_ = new_size.value_or(size_);
  begin_ = rank_ * local_sample_count();
  end_ = begin_ + local_sample_count();
  at_ = begin_;
}

std::optional<std::vector<size_t>> DistributedSequentialSampler::next(size_t batch_size) {
  auto range = take(at_, end_, batch_size);
  if (!range) return std::nullopt;
  std::vector<size_t> out(range->second - range->first);
  std::iota(out.begin(), out.end(), range->first);
  for (size_t& i : out) i %= size_;  // past the end: wrap to the start (duplicates)
  return out;
}

}  // namespace torsh::data::samplers
