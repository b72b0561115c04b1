"""The Streamlit app's own helpers: the 3D preview and thumbnails (pyvista lives here, not in the library)."""
