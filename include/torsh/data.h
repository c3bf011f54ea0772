#pragma once
// libtorch's torch::data: datasets (Dataset<Self>, MNIST reading the idx files, raw or gzipped),
// .map() transforms (Normalize, Stack, Lambda), samplers (Sequential, Random) and
// make_data_loader, iterated as `for (auto& batch : *loader)`.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "torsh/core/tensor.h"
#include "torsh/data_workers.h"
#include "torsh/generated/functions.h"
#include "torsh/nn/module.h"
#include "torsh/ops.h"

namespace torsh::data {

/// One sample (or, after Stack, one batch): data and target.
template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;
  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}
  Data data;
  Target target;
};

namespace datasets {

template <typename Source, typename Transform>
class MapDataset;

/// A map-style dataset: get(index) and size(); get_batch collects get() over the indices.
template <typename Self, typename SingleExample = Example<>>
class Dataset {
 public:
  using ExampleType = SingleExample;
  using BatchType = std::vector<SingleExample>;
  virtual ~Dataset() = default;
  virtual ExampleType get(size_t index) = 0;
  virtual std::optional<size_t> size() const = 0;
  virtual BatchType get_batch(const std::vector<size_t>& indices) {
    BatchType batch;
    batch.reserve(indices.size());
    for (size_t i : indices) batch.push_back(get(i));
    return batch;
  }
  /// This dataset with transform applied to every batch.
  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) && {
    return MapDataset<Self, Transform>(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

/// A dataset whose batches pass through a transform's apply_batch.
template <typename Source, typename Transform>
class MapDataset {
 public:
  using DatasetType = Source;
  using TransformType = Transform;
  MapDataset(Source dataset, Transform transform)
      : dataset_(std::move(dataset)), transform_(std::move(transform)) {}
  auto get_batch(const std::vector<size_t>& indices) {
    return transform_.apply_batch(dataset_.get_batch(indices));
  }
  std::optional<size_t> size() const { return dataset_.size(); }
  template <typename Next>
  MapDataset<MapDataset, Next> map(Next transform) && {
    return MapDataset<MapDataset, Next>(std::move(*this), std::move(transform));
  }
  const Source& dataset() const { return dataset_; }
  const Transform& transform() const { return transform_; }

 private:
  Source dataset_;
  Transform transform_;
};

/// MNIST-format images and labels (also Fashion-MNIST): the idx files under root, raw or
/// gzipped; images as float [1, 28, 28] in [0, 1], targets int64. The pixels are kept as bytes
/// (a quarter of libtorch's float copy) and converted in get(), to the same values.
class MNIST : public Dataset<MNIST> {
 public:
  enum class Mode { kTrain, kTest };
  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);
  Example<> get(size_t index) override;
  std::optional<size_t> size() const override;
  bool is_train() const noexcept { return train_; }
  /// All images as float [N, 1, 28, 28] in [0, 1], made on the first call and kept (get()
  /// then reads from it, as libtorch's dataset does).
  const Tensor& images() const;
  const Tensor& targets() const { return targets_; }

 private:
  Tensor pixels_, targets_;  // uint8 [N, 1, rows, cols], int64 [N]
  mutable Tensor images_;    // float, once images() was called
  bool train_;
};

/// Wraps two tensors as a dataset: example i is (data[i], target[i]).
class TensorDataset : public Dataset<TensorDataset> {
 public:
  TensorDataset(Tensor data, Tensor target) : data_(std::move(data)), target_(std::move(target)) {}
  Example<> get(size_t index) override;
  std::optional<size_t> size() const override;

 private:
  Tensor data_, target_;
};

}  // namespace datasets

namespace transforms {

/// Applies apply() to each example of a batch.
template <typename Input = Example<>, typename Output = Input>
class Transform {
 public:
  virtual ~Transform() = default;
  virtual Output apply(Input input) = 0;
  std::vector<Output> apply_batch(std::vector<Input> batch) {
    std::vector<Output> out;
    out.reserve(batch.size());
    for (auto& e : batch) out.push_back(apply(std::move(e)));
    return out;
  }
};

/// (data - mean) / stddev on each example's data.
template <typename Target = Tensor>
class Normalize : public Transform<Example<Tensor, Target>> {
 public:
  Normalize(double mean, double stddev) : mean_({mean}), stddev_({stddev}) {}
  Normalize(std::vector<double> mean, std::vector<double> stddev)
      : mean_(std::move(mean)), stddev_(std::move(stddev)) {}
  Example<Tensor, Target> apply(Example<Tensor, Target> e) override {
    // as libtorch: float32 [C, 1, 1] tensors, subtracted then divided
    Tensor mean = torsh::tensor(mean_, TensorOptions(kFloat)).unsqueeze(1).unsqueeze(2);
    Tensor stddev = torsh::tensor(stddev_, TensorOptions(kFloat)).unsqueeze(1).unsqueeze(2);
    e.data = e.data.sub(mean).div(stddev);
    return e;
  }

 private:
  std::vector<double> mean_, stddev_;
};

/// Stacks a batch of examples into one example of batched tensors.
template <typename E = Example<>>
class Stack {
 public:
  E apply_batch(std::vector<E> examples) {
    std::vector<Tensor> data, targets;
    data.reserve(examples.size());
    targets.reserve(examples.size());
    for (auto& e : examples) {
      data.push_back(std::move(e.data));
      targets.push_back(std::move(e.target));
    }
    return E(torsh::stack(data), torsh::stack(targets));
  }
};

/// Any function of one example.
template <typename Input = Example<>, typename Output = Input>
class Lambda : public Transform<Input, Output> {
 public:
  explicit Lambda(std::function<Output(Input)> fn) : fn_(std::move(fn)) {}
  Output apply(Input input) override { return fn_(std::move(input)); }

 private:
  std::function<Output(Input)> fn_;
};

}  // namespace transforms

namespace samplers {

/// Yields batches of dataset indices.
class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual void reset(std::optional<size_t> new_size = std::nullopt) = 0;
  virtual std::optional<std::vector<size_t>> next(size_t batch_size) = 0;
};

/// 0, 1, 2, ... in order.
class SequentialSampler : public Sampler {
 public:
  explicit SequentialSampler(size_t size) : size_(size) {}
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return index_; }

 private:
  size_t size_, index_ = 0;
};

/// A fresh torsh::randperm(size) at every reset (libtorch's order for the same seed).
class RandomSampler : public Sampler {
 public:
  explicit RandomSampler(int64_t size, ScalarType index_dtype = kLong);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return index_; }

 private:
  Tensor indices_;
  size_t index_ = 0;
};

/// libtorch's DistributedSampler base: rank's share of size indices among num_replicas.
/// allow_duplicates rounds each share up (repeating indices from the start), else down.
class DistributedSampler : public Sampler {
 public:
  DistributedSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                     bool allow_duplicates = true);
  /// The epoch seeds the shuffle of DistributedRandomSampler (applied at the next reset).
  void set_epoch(size_t epoch) { epoch_ = epoch; }
  size_t epoch() const { return epoch_; }

 protected:
  size_t local_sample_count() const;
  size_t size_, num_replicas_, rank_, epoch_ = 0;
  bool allow_duplicates_;
  size_t begin_ = 0, end_ = 0, at_ = 0;  // this rank's range of the index list, and position
};

/// All indices (padded to a multiple of num_replicas) shuffled by std::mt19937(epoch), then
/// rank's contiguous share: libtorch's order, which std::shuffle makes libstdc++'s.
class DistributedRandomSampler : public DistributedSampler {
 public:
  DistributedRandomSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                           bool allow_duplicates = true);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return at_; }

 private:
  std::vector<size_t> all_;
};

/// rank's contiguous share of 0..size-1 in order (indices past the end wrap to the start).
class DistributedSequentialSampler : public DistributedSampler {
 public:
  DistributedSequentialSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                               bool allow_duplicates = true);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return at_; }
};

}  // namespace samplers

struct DataLoaderOptions {
  DataLoaderOptions() = default;
  DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}  // NOLINT
  TORSH_ARG(size_t, batch_size) = 1;
  /// Threads that build batches (each with its own copy of the dataset); 0: the calling
  /// thread builds them.
  TORSH_ARG(size_t, workers) = 0;
  /// Batches in flight at once with workers (default: 2 * workers).
  TORSH_ARG(std::optional<size_t>, max_jobs) = std::nullopt;
  /// With workers: how long to wait for a batch before raising (default: no limit).
  TORSH_ARG(std::optional<std::chrono::milliseconds>, timeout) = std::nullopt;
  /// With workers: batches come in sampler order (else as they finish).
  TORSH_ARG(bool, enforce_ordering) = true;
  TORSH_ARG(bool, drop_last) = false;
};

/// Iterates a map-style dataset in batches chosen by the sampler; a new pass at each begin().
template <typename DatasetT, typename SamplerT>
class StatelessDataLoader {
 public:
  using BatchType = decltype(std::declval<DatasetT&>().get_batch(std::vector<size_t>{}));

  StatelessDataLoader(DatasetT dataset, SamplerT sampler, DataLoaderOptions options)
      : dataset_(std::move(dataset)), sampler_(std::move(sampler)), options_(options) {
    TORSH_CHECK(options_.batch_size() > 0, "DataLoader: batch_size must be positive");
    TORSH_CHECK(!options_.max_jobs() || *options_.max_jobs() > 0,
                "DataLoader: max_jobs must be positive");
    if (options_.workers() > 0) {
      workers_ =
          std::make_unique<detail::BatchWorkers<DatasetT, BatchType>>(dataset_, options_.workers());
    }
  }

  class Iterator {
   public:
    Iterator(StatelessDataLoader* loader, bool end) : loader_(loader), end_(end) {
      if (!end_) advance();
    }
    BatchType& operator*() { return *batch_; }
    BatchType* operator->() { return &*batch_; }
    Iterator& operator++() {
      advance();
      return *this;
    }
    bool operator==(const Iterator& o) const { return end_ == o.end_; }
    bool operator!=(const Iterator& o) const { return !(*this == o); }

   private:
    void advance() {
      batch_ = loader_->next();
      end_ = !batch_.has_value();
    }
    StatelessDataLoader* loader_;
    bool end_;
    std::optional<BatchType> batch_;
  };

  Iterator begin() {
    sampler_.reset();
    if (workers_) {
      workers_->new_epoch();
      in_flight_ = next_seq_ = expected_seq_ = 0;
      exhausted_ = false;
    }
    return Iterator(this, false);
  }
  Iterator end() { return Iterator(this, true); }
  const DataLoaderOptions& options() const noexcept { return options_; }

 private:
  // The sampler's next batch of indices (nullopt: the pass is over).
  std::optional<std::vector<size_t>> next_indices() {
    auto indices = sampler_.next(options_.batch_size());
    if (!indices || indices->empty()) return std::nullopt;
    if (options_.drop_last() && indices->size() < options_.batch_size()) return std::nullopt;
    return indices;
  }

  std::optional<BatchType> next() {
    if (!workers_) {
      auto indices = next_indices();
      if (!indices) return std::nullopt;
      return dataset_.get_batch(*indices);
    }
    // keep max_jobs batches in flight, then take the next result
    const size_t max_jobs = options_.max_jobs().value_or(2 * options_.workers());
    while (!exhausted_ && in_flight_ < max_jobs) {
      auto indices = next_indices();
      if (!indices) {
        exhausted_ = true;
        break;
      }
      workers_->push(next_seq_++, std::move(*indices));
      ++in_flight_;
    }
    if (in_flight_ == 0) return std::nullopt;
    auto r = workers_->pop(
        options_.enforce_ordering() ? std::optional<size_t>(expected_seq_) : std::nullopt,
        options_.timeout());
    --in_flight_;
    ++expected_seq_;
    if (r.error) std::rethrow_exception(r.error);
    return std::move(r.batch);
  }
  DatasetT dataset_;
  SamplerT sampler_;
  DataLoaderOptions options_;
  std::unique_ptr<detail::BatchWorkers<DatasetT, BatchType>> workers_;
  size_t in_flight_ = 0, next_seq_ = 0, expected_seq_ = 0;
  bool exhausted_ = false;
};

/// make_data_loader<samplers::SequentialSampler>(std::move(dataset), batch_size or options).
template <typename SamplerT = samplers::RandomSampler, typename DatasetT>
std::unique_ptr<StatelessDataLoader<DatasetT, SamplerT>> make_data_loader(
    DatasetT dataset, DataLoaderOptions options = DataLoaderOptions()) {
  const std::optional<size_t> n = dataset.size();
  TORSH_CHECK(n.has_value(), "Expected the dataset to have a size for a stateless data loader");
  SamplerT sampler(*n);
  return std::make_unique<StatelessDataLoader<DatasetT, SamplerT>>(std::move(dataset),
                                                                   std::move(sampler), options);
}

/// make_data_loader(std::move(dataset), sampler, options): with a sampler of your own (a
/// DistributedRandomSampler, say).
template <typename DatasetT, typename SamplerT,
          typename = std::enable_if_t<std::is_base_of_v<samplers::Sampler, SamplerT>>>
std::unique_ptr<StatelessDataLoader<DatasetT, SamplerT>> make_data_loader(
    DatasetT dataset, SamplerT sampler, DataLoaderOptions options = DataLoaderOptions()) {
  return std::make_unique<StatelessDataLoader<DatasetT, SamplerT>>(std::move(dataset),
                                                                   std::move(sampler), options);
}

/// The batch_size form of make_data_loader.
template <typename SamplerT = samplers::RandomSampler, typename DatasetT>
std::unique_ptr<StatelessDataLoader<DatasetT, SamplerT>> make_data_loader(DatasetT dataset,
                                                                          size_t batch_size) {
  return make_data_loader<SamplerT>(std::move(dataset), DataLoaderOptions(batch_size));
}

}  // namespace torsh::data
