"""Built-in plugins. Each module here implements ctpse hooks and is registered as
``ctpse_core.<module>`` exactly as a third-party plugin would be; block one with
``CTPSE_BLOCK_PLUGINS=ctpse_core.<module>``. Keep module imports light.
"""
