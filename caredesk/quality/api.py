from ninja import Router

router = Router(tags=["Reply quality"])
