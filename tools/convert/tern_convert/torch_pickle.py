"""Reads a torch.save zip checkpoint (pytorch_model.bin) into numpy arrays without torch.

The pickle inside is unpickled by a restricted Unpickler: find_class accepts only the handful of globals
torch uses to rebuild tensors, so a malicious checkpoint cannot reach os.system or any other callable.
"""

import collections
import io
import pickle
import zipfile

import numpy as np

from .errors import ConversionError, UnsafeCheckpointError

# torch storage class name -> numpy dtype. BFloat16 is widened by hand (numpy has no bfloat16).
STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "BFloat16Storage": "bfloat16",
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name):
        self.name = name
        self.dtype = STORAGE_DTYPES[name]


class _Storage:
    """A storage's raw bytes, read from the zip on first use."""

    def __init__(self, storage_type, raw):
        self.storage_type = storage_type
        self.raw = raw

    def as_array(self):
        if self.storage_type.dtype == "bfloat16":
            halves = np.frombuffer(self.raw, dtype="<u2")
            return (halves.astype(np.uint32) << 16).view(np.float32)
        return np.frombuffer(self.raw, dtype=np.dtype(self.storage_type.dtype).newbyteorder("<"))


def _rebuild_tensor(storage, storage_offset, size, stride, *unused):
    if not isinstance(storage, _Storage):
        raise UnsafeCheckpointError("_rebuild_tensor_v2 called without a storage")
    flat = storage.as_array()
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise ConversionError(f"tensor with negative size or stride {size} {stride}")
    needed = storage_offset + (sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0)
    if storage_offset < 0 or needed > flat.size:
        raise ConversionError(f"tensor {size} at offset {storage_offset} exceeds its storage of {flat.size}")
    if not all(size):
        return np.zeros(size, dtype=flat.dtype)
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(flat[storage_offset:], shape=size,
                                           strides=tuple(s * itemsize for s in stride), writeable=False)
    return np.array(view)


def _rebuild_parameter(data, requires_grad, backward_hooks, *unused):
    return data


ALLOWED_GLOBALS = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("collections", "OrderedDict"): collections.OrderedDict,
}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, data, zip_file, prefix):
        super().__init__(io.BytesIO(data))
        self.zip_file = zip_file
        self.prefix = prefix
        self.storages = {}

    def find_class(self, module, name):
        if (module, name) in ALLOWED_GLOBALS:
            return ALLOWED_GLOBALS[(module, name)]
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise UnsafeCheckpointError(
            f"checkpoint pickle asks for {module}.{name}, which is not a tensor-rebuild call; refusing to load it "
            "(convert it to model.safetensors if you trust it)")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 3 or pid[0] != "storage":
            raise UnsafeCheckpointError(f"unexpected persistent id {pid!r:.80}")
        storage_type, key = pid[1], str(pid[2])
        if not isinstance(storage_type, _StorageType):
            raise UnsafeCheckpointError(f"persistent id names a non-storage type {storage_type!r:.80}")
        if key not in self.storages:
            try:
                raw = self.zip_file.read(f"{self.prefix}data/{key}")
            except KeyError:
                raise ConversionError(f"checkpoint zip lacks storage {self.prefix}data/{key}") from None
            self.storages[key] = _Storage(storage_type, raw)
        return self.storages[key]


def load_torch_zip(path):
    """Returns {name: numpy array} from a torch.save zip file."""
    if not zipfile.is_zipfile(path):
        raise ConversionError(f"{path}: not a zip-format torch checkpoint (legacy torch.save format is not supported; "
                              "re-save with torch >= 1.6 or convert to safetensors)")
    with zipfile.ZipFile(path) as zip_file:
        pickles = [n for n in zip_file.namelist() if n.endswith("data.pkl")]
        if len(pickles) != 1:
            raise ConversionError(f"{path}: expected one data.pkl in the zip, found {len(pickles)}")
        prefix = pickles[0][: -len("data.pkl")]
        try:
            byteorder = zip_file.read(prefix + "byteorder").decode()
        except KeyError:
            byteorder = "little"
        if byteorder != "little":
            raise ConversionError(f"{path}: big-endian checkpoints are not supported")
        unpickler = _RestrictedUnpickler(zip_file.read(pickles[0]), zip_file, prefix)
        try:
            state = unpickler.load()
        except (UnsafeCheckpointError, ConversionError):
            raise
        except Exception as error:  # a corrupt pickle: say so instead of a bare traceback
            raise ConversionError(f"{path}: cannot read the checkpoint pickle: {error}") from error
    if not isinstance(state, dict):
        raise ConversionError(f"{path}: the checkpoint is not a state dict (got {type(state).__name__})")
    if "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    tensors = {}
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            tensors[str(name)] = value
    return tensors
