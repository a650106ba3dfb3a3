"""keras.datasets.california_housing.load_data(): 20,640 Californian block groups (8 features, median house
value in dollars), or their first 600 (version="small"), from Keras's california_housing.npz."""
from .keras_files import check_test_split, features_and_targets, keras_dataset_file, shuffled_split

SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"  # as Keras pins it


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113, download=True):
    """((x_train, y_train), (x_test, y_test)): (N, 8) features and (N,) values of all rows ("large") or the
    first 600 ("small"), shuffled with RandomState(seed), the last `test_split` held out."""
    who = "keras.datasets.california_housing.load_data"
    check_test_split(who, test_split)
    if version not in ("small", "large"):
        raise ValueError(f"{who}: version must be 'small' or 'large', got {version!r}")
    file = keras_dataset_file(who, path, "california_housing.npz", sha256=SHA256, download=download)
    x, y = features_and_targets(who, file)
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffled_split(x, y, test_split, seed)
