"""factory_boy factories with Greek defaults."""

import factory
from django.contrib.gis.geos import Point

from geo.models import Category, Location, Organisation, Service


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Κοινωνικό Ιατρείο Δοκιμής {n}")
    slug = factory.Sequence(lambda n: f"koinoniko-iatreio-dokimis-{n}")
    kind = Organisation.Kind.CLINIC


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.LazyAttribute(lambda o: o.organisation.name)
    # Πλατεία Εξαρχείων
    point = factory.LazyFunction(lambda: Point(23.7355, 37.9864, srid=4326))
    precision = Location.Precision.EXACT
    address = "Θεμιστοκλέους 80"
    postcode = "10681"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Δωρεάν πρωτοβάθμια φροντίδα υγείας"
    languages = factory.LazyFunction(lambda: ["el", "en"])

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            self.categories.set(extracted or [Category.objects.get(slug="health")])

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        if create and extracted:
            self.locations.set(extracted)
