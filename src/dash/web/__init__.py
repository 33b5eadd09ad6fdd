"""The Streamlit side: the only package that imports streamlit.

``data`` (the store, its reader and the error screen), ``state`` (the one owner of session and
URL state), ``layout`` (page header, router fix, print CSS), ``sidebar`` (the filter widgets),
``tables``, ``downloads``, ``access`` (who may see the data), and ``views/`` with one module per
page. The files in ``pages/`` only call a view.
"""
